# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificates made fresh for each run: one CA (written to DIR/ca.pem) and the server
certificates the listeners present, including an expired one and one for another name."""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

import trustme

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
OTHER_NAME = "mail.other-name.invalid"


class Certificates:
    def __init__(self, directory: Path):
        self.ca = trustme.CA(organization_name="alimail emulator test CA")
        self.ca_path = Path(directory) / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_path))
        now = datetime.datetime.now(datetime.UTC)
        self.server = self.ca.issue_cert(*LOOPBACK_NAMES)
        self.expired = self.ca.issue_cert(
            *LOOPBACK_NAMES,
            not_before=now - datetime.timedelta(days=30),
            not_after=now - datetime.timedelta(days=1),
        )
        self.wrong_name = self.ca.issue_cert(OTHER_NAME)

    @staticmethod
    def server_context(cert) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context
