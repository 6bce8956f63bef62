"""The workspace's own secret key: generated on first use, stored in ``WORKSPACE/secret_key``
(mode 0600), the same for every process of that workspace. There is no built-in default key:
``GOVINSPECT_SECRET_KEY`` wins when set, otherwise each workspace has its own."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "secret_key"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)"


class SecretKeyError(RuntimeError):
    pass


def workspace_secret_key(workspace: Path) -> str:
    """Read the workspace's key, creating it (atomically, 0600) when it does not exist yet.
    Two processes starting at once end up with the same key: the first link wins."""
    path = Path(workspace) / KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    except OSError as exc:
        raise SecretKeyError(f"无法读取密钥文件 {path}：{exc}") from exc
    if key:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, ("".join(secrets.choice(_ALPHABET) for _ in range(64)) + "\n")
                     .encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # never replaces a key another process wrote first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        key = path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise SecretKeyError(f"无法在工作目录中生成密钥文件 {path}：{exc}；"
                             "请设置环境变量 GOVINSPECT_SECRET_KEY") from exc
    if not key:
        raise SecretKeyError(f"密钥文件 {path} 为空；删除它后重新启动即可生成新的密钥")
    return key


def lazy_workspace_secret_key():
    """The key of ``settings.WORKSPACE``, read or created the first time something signs (a
    session, a CSRF token …), so that importing the settings writes nothing."""
    from django.utils.functional import SimpleLazyObject

    def load() -> str:
        from django.conf import settings

        return workspace_secret_key(Path(settings.WORKSPACE))

    return SimpleLazyObject(load)
