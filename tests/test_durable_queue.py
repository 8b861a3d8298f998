"""bot.telegram.durable on its own, and where the state folder is (unit tests under the
end-to-end ones)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fake_bot_api import text_message

from bot.knowledge.config import Config, default_state_dir
from bot.telegram.durable import DurableQueue, Outgoing, scrub


def stored_update(update_id: int, text: str = "bonjour") -> dict[str, Any]:
    update = text_message(text, first_name="Zénobie", username="zeno_secret")
    update["message"]["message_id"] = 1
    return {"update_id": update_id, **update}


def test_scrub_removes_names_and_keeps_ids() -> None:
    update = stored_update(5)
    update["message"]["reply_to_message"] = {
        "from": {"id": 9, "first_name": "Bob", "last_name": "X"}
    }
    text = json.dumps(scrub(update), ensure_ascii=False)
    for secret in ("Zénobie", "zeno_secret", "Bob", '"X"'):
        assert secret not in text
    assert json.loads(text)["message"]["from"]["id"] == 1001
    assert json.loads(text)["message"]["text"] == "bonjour"


def test_an_update_fetched_twice_is_handled_once(tmp_path: Path) -> None:
    queue = DurableQueue(tmp_path / "q.sqlite3")
    assert queue.receive([(10, stored_update(10)), (11, stored_update(11))]) == [10, 11]
    queue.finish_update(10, [Outgoing(1001, "send", {"text": "réponse"})])
    # A crash before Telegram confirmed them: the same updates come again.
    assert queue.receive([(10, stored_update(10)), (11, stored_update(11))]) == []
    assert [u for u, _ in queue.unhandled()] == [11]
    assert queue.next_offset() == 12
    queue.confirmed(12)  # Telegram confirmed: the handled id is forgotten, not the other
    assert queue.counts() == (1, 1)
    queue.close()


def test_queue_survives_reopening_and_deletes_what_was_delivered(tmp_path: Path) -> None:
    path = tmp_path / "state" / "q.sqlite3"
    queue = DurableQueue(path)
    queue.receive([(1, stored_update(1, "question secrète"))])
    [first, second] = queue.finish_update(
        1, [Outgoing(7, "send", {"text": f"p{i}"}) for i in (1, 2)]
    )
    queue.close()
    queue = DurableQueue(path)
    assert [(c.id, c.body["text"]) for c in queue.pending()] == [
        (first.id, "p1"),
        (second.id, "p2"),
    ]
    assert queue.unhandled() == []
    queue.delivered(first.id)
    queue.delivered(second.id)
    queue.confirmed(2)
    assert queue.counts() == (0, 0)
    queue.close()
    files = [f for f in path.parent.iterdir() if f.name.startswith(path.name)]
    raw = b"".join(f.read_bytes() for f in files)
    assert b"p1" not in raw  # deleted, and overwritten (secure_delete)
    assert "question secrète".encode() not in raw


def test_default_state_dir() -> None:
    assert default_state_dir({"STATE_DIRECTORY": "/var/lib/faqbot:/other"}) == Path(
        "/var/lib/faqbot"
    )
    assert default_state_dir({"XDG_STATE_HOME": "/x"}) == Path("/x/faqbot")
    assert default_state_dir({}) == Path.home() / ".local" / "state" / "faqbot"


def test_tests_never_use_the_real_state_folder(state_home: Path) -> None:
    assert Config().state_dir == state_home / "faqbot"
    assert Path.home() not in Config().state_dir.parents
