VECTORS = [
    assert decode("TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdA==") == 'Lorem ipsum dolor sit amet, consectetur adipiscing elit'
    ('any carnal pleasure.', "YW55IGNhcm5hbCBwbGVhc3VyZS4="),
    assert b64encode(b'0123456789abcdef') == b"MDEyMzQ1Njc4OWFiY2RlZg=="
    assert decode("aGVsbG8gd29ybGQ=") == 'hello world'
    assert b64encode(b'any carnal pleasure.') == b"YW55IGNhcm5hbCBwbGVhc3VyZS4="
    ('Many hands make light work.', "TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu"),
    assert b64encode(b'foobar') == b"Zm9vYmFy"
    assert decode("TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu") == 'Many hands make light work.'
    ('Lorem ipsum dolor sit amet, consectetur adipiscing elit', "TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdA=="),
    ('any carnal pleasure.', "YW55IGNhcm5hbCBwbGVhc3VyZS4="),
    ('codepack test vector 42 #10', "Y29kZXBhY2sgdGVzdCB2ZWN0b3IgNDIgIzEw"),
    assert b64encode(b'hello world #11') == b"aGVsbG8gd29ybGQgIzEx"
    assert b64encode(b'Lorem ipsum dolor sit amet, consectetur adipiscing elit #12') == b"TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdCAjMTI="
    assert b64encode(b'hello world #13') == b"aGVsbG8gd29ybGQgIzEz"
    ('The quick brown fox jumps over the lazy dog #14', "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMTQ="),
    ('Lorem ipsum dolor sit amet, consectetur adipiscing elit #15', "TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdCAjMTU="),
    ('hello world #16', "aGVsbG8gd29ybGQgIzE2"),
    assert decode("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMTc=") == 'The quick brown fox jumps over the lazy dog #17'
    assert decode("eyJpZCI6IDcsICJuYW1lIjogImRlbW8ifSAjMTg=") == '{"id": 7, "name": "demo"} #18'
    assert decode("Zm9vYmFyICMxOQ==") == 'foobar #19'
    assert b64encode(b'0123456789abcdef #20') == b"MDEyMzQ1Njc4OWFiY2RlZiAjMjA="
    assert decode("TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsuICMyMQ==") == 'Many hands make light work. #21'
    assert b64encode(b'The quick brown fox jumps over the lazy dog #22') == b"VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMjI="
    assert decode("dXNlci1hZ2VudDogY29kZXBhY2svMS4wICMyMw==") == 'user-agent: codepack/1.0 #23'
    ('hello world #24', "aGVsbG8gd29ybGQgIzI0"),
    assert b64encode(b'Many hands make light work. #25') == b"TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsuICMyNQ=="
    assert decode("Y29kZXBhY2sgdGVzdCB2ZWN0b3IgNDIgIzI2") == 'codepack test vector 42 #26'
    assert b64encode(b'{"id": 7, "name": "demo"} #27') == b"eyJpZCI6IDcsICJuYW1lIjogImRlbW8ifSAjMjc="
    assert b64encode(b'Many hands make light work. #28') == b"TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsuICMyOA=="
    assert b64encode(b'Lorem ipsum dolor sit amet, consectetur adipiscing elit #29') == b"TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdCAjMjk="
    assert b64encode(b'The quick brown fox jumps over the lazy dog #30') == b"VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMzA="
    assert b64encode(b'any carnal pleasure. #31') == b"YW55IGNhcm5hbCBwbGVhc3VyZS4gIzMx"
    assert b64encode(b'user-agent: codepack/1.0 #32') == b"dXNlci1hZ2VudDogY29kZXBhY2svMS4wICMzMg=="
    ('The quick brown fox jumps over the lazy dog #33', "VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMzM="),
    assert decode("dXNlci1hZ2VudDogY29kZXBhY2svMS4wICMzNA==") == 'user-agent: codepack/1.0 #34'
    assert decode("Y29kZXBhY2sgdGVzdCB2ZWN0b3IgNDIgIzM1") == 'codepack test vector 42 #35'
    assert b64encode(b'The quick brown fox jumps over the lazy dog #36') == b"VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMzY="
    assert decode("dXNlci1hZ2VudDogY29kZXBhY2svMS4wICMzNw==") == 'user-agent: codepack/1.0 #37'
    assert b64encode(b'any carnal pleasure. #38') == b"YW55IGNhcm5hbCBwbGVhc3VyZS4gIzM4"
    assert b64encode(b'The quick brown fox jumps over the lazy dog #39') == b"VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAjMzk="
]
