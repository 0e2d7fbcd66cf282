"""Notifications: Slack, Telegram, Twilio (all tokens FAKE)."""

import requests

SLACK_BOT_TOKEN = "xoxb-641137302189-2556868044205-FakeeTwlvRQFPBnUmQSI7cse"
SLACK_WEBHOOK = "https://hooks.slack.com/services/TFAKEAA3R/BFAKEQA1MJM/Fake0XqQ8HoFJc5ogJJL7bDG"
TELEGRAM_BOT_TOKEN = "5607650384:AAFakecwXowQXsr5sLqUiBGn_QgHy4PSKep"
TWILIO_ACCOUNT = "ACc0609db0a377cfc863b0c2a515891341"
TWILIO_API_KEY = "SKf1e968c6f4d6ac2334fdc19578fdf1a5"
TWILIO_AUTH_TOKEN = "99e70f7e747bb2721fcefaf36c517718"


def send_telegram(chat_id: int, text: str) -> None:
    url = "https://api.telegram.org/bot342571089:AAFakeuGuND5EQQyOyIdLSUdPcU008YGTs4/sendMessage"
    requests.post(url, json={"chat_id": chat_id, "text": text}, timeout=5)


def login(client) -> None:
    client.login(username="admin", password="PlantedCopper202&ZwaQ")
