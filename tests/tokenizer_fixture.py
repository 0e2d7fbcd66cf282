"""A tiny byte-level BPE tokenizer trained in the test run, so no model is ever downloaded.

Byte-level pre-tokenization means every string encodes (no unknown tokens), and the BPE
merges learned from a few lines of code make tokens span several characters, so tokens really
do merge across the joins between headers, separators and file contents - the situation the
budget checks must survive. Test modules wrap :func:`train_tiny_tokenizer` in a fixture
(``tmp_path_factory``) so each module trains it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

CODEGEMMA_SPECIALS = ("<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>")

TRAINING_TEXT = (
    "import os\nfrom typing import Any\n\n\ndef main(argv: list[str]) -> int:\n"
    "    for index, value in enumerate(argv):\n        print(index, value)\n    return 0\n",
    "class Parser:\n    def __init__(self, text):\n        self.text = text\n"
    "        self.position = 0\n\n    def parse(self):\n        return self.text.split()\n",
    'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, world")\n}\n',
    "const express = require('express');\nconst app = express();\n"
    "app.get('/', (req, res) => {\n  res.send('ok');\n});\nmodule.exports = app;\n",
    '#include <stdio.h>\nint main(void) {\n    printf("%d\\n", 42);\n    return 0;\n}\n',
)


def train_tiny_tokenizer(
    directory: Path,
    special_tokens: Sequence[str] = (),
    truncate_to: int | None = None,
    vocab_size: int = 420,
) -> Path:
    """Train, save to ``directory/tokenizer.json`` and return the file's path.

    ``truncate_to`` saves the tokenizer with truncation switched on, as many published
    tokenizer files are, to check that counting ignores it.
    """
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(special_tokens),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(TRAINING_TEXT) * 8, trainer)
    if truncate_to is not None:
        tokenizer.enable_truncation(truncate_to)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "tokenizer.json"
    tokenizer.save(str(path))
    return path
