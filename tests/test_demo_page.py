"""The demo clinic page hands the widget the channel's own message limit, so the widget keeps no copy of it."""

import importlib.util
import re
from pathlib import Path

from aftercare.clinic import load_clinic
from aftercare.messages import MAX_MESSAGE_CHARACTERS

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("serve_demo", ROOT / "widget" / "serve_demo.py")
serve_demo = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(serve_demo)


def test_the_page_gives_the_widget_the_channels_message_limit():
    template = (ROOT / "widget" / "demo" / "index.html").read_text(encoding="utf-8")
    page = serve_demo.render_page(template, load_clinic(ROOT / "clinic.yml"), "http://localhost:5005", "")
    assert re.search(r'data-max-message-length="(\d+)"', page).group(1) == str(MAX_MESSAGE_CHARACTERS)
    assert "{{" not in page
