# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # How to reach and authenticate to the Alibaba Mail API; built by _argspec.connection_options.
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the API, for example V(https://alimail-sg.aliyuncs.com) or the URL of a local
        emulator. When set, O(site) is not used.
      - Must be an C(http://) or C(https://) URL with a host and without a query. A plain
        C(http://) URL to a host that is not loopback is accepted with a warning, because the
        client secret and the access token then cross the network unencrypted.
      - If not set, the value of the E(ALIMAIL_API_URL) environment variable is used.
    type: str
  site:
    description:
      - The site of the organisation; the API host is C(https://alimail-<site>.aliyuncs.com).
      - Used only when O(api_url) is not set.
      - If not set, the value of the E(ALIMAIL_SITE) environment variable is used, then V(cn).
    type: str
    choices: [cn, sg, hk, de, us]
    default: cn
  client_id:
    description:
      - Client ID of the Open Platform application that the module authenticates as (OAuth 2.0
        client credentials).
      - Required; if not set, the value of the E(ALIMAIL_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - Client secret of that application. It never appears in results, warnings or errors.
      - Required; if not set, the value of the E(ALIMAIL_CLIENT_SECRET) environment variable is
        used.
    type: str
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate. Set V(false) only against a test server.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file (or a directory of them) with the CA certificates that verify the API's
        certificate, instead of the system's.
    type: path
  api_timeout:
    description:
      - Seconds to wait for the API to connect and to answer, per request.
    type: float
    default: 30
  api_retries:
    description:
      - Attempts per request in total, the first included, on throttling (429, honouring
        C(Retry-After)), server errors and dropped connections, with exponential backoff.
      - The test call, which sends mail, is retried only when it was not received (connection
        refused, 429, 503). A write retried after its reply was lost meets 412; the module then
        reads the gateway again and finds the change already made.
    type: int
    default: 5
"""

    # The same options, accepted and unused by modules that never call the API, so that one
    # group/alimail.gateways.all entry in module_defaults serves every module of the collection.
    IGNORED = r"""
options:
  api_url:
    description:
      - Ignored, like every connection option of this module, which never calls the API. They
        are accepted so that C(group/alimail.gateways.all) in C(module_defaults) can set the
        connection once for all modules of the collection.
    type: str
  site:
    description: Ignored; see O(api_url).
    type: str
    choices: [cn, sg, hk, de, us]
    default: cn
  client_id:
    description: Ignored; see O(api_url).
    type: str
  client_secret:
    description: Ignored; see O(api_url).
    type: str
  validate_certs:
    description: Ignored; see O(api_url).
    type: bool
    default: true
  ca_path:
    description: Ignored; see O(api_url).
    type: path
  api_timeout:
    description: Ignored; see O(api_url).
    type: float
    default: 30
  api_retries:
    description: Ignored; see O(api_url).
    type: int
    default: 5
"""
