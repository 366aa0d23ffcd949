#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mail_gateway_probe
short_description: Probe gateway addresses over SMTP before a change
version_added: 0.1.0
description:
  - Runs the controller's SMTP probe of the gateway modules on its own, against a list of gateway
    addresses, for a pre-flight check before a change window. It tells whether new addresses
    would accept mail before a gateway task tries to enable them.
  - It never calls the Alibaba Mail API, so it takes no connection options and needs no
    credentials.
  - Each target runs up to C(RCPT TO) O(verification_email). A real run then sends a short
    verification message (C(DATA)) naming O(domain) and the run id; check mode ends each session
    with C(RSET) and C(QUIT) and sends no mail.
  - The task fails when any target fails, and returns the result of every target, passed or
    failed, with the stage it failed at and the server's reply.
author:
  - alimail.gateways contributors (@alimail-gateways)
requirements:
  - netaddr (Python library) on the controller
extends_documentation_fragment:
  - alimail.gateways.probe.preflight
  - alimail.gateways.connection.ignored
  - alimail.gateways.attributes
attributes:
  check_mode:
    description: Can run in check mode and report what the real run would find.
    support: full
    details:
      - In check mode the probe ends after C(RCPT TO) and sends no mail; it fails where the real
        run would fail up to that point.
  diff_mode:
    description: Would return the change before and after with C(--diff).
    support: N/A
    details:
      - The module changes nothing, so there is no diff.
  idempotent:
    description: A second run with the same options changes nothing.
    support: full
    details:
      - A real run sends a verification message to O(verification_email) each time.
options:
  addresses:
    description:
      - The gateway addresses to probe. Each element may hold several entries separated by
        commas, in the forms of the gateway modules' address options.
      - Each entry is an IPv4 or IPv6 address, an address with a port (V(203.0.113.10:2525),
        V([2001:db8::10]:2525)), a CIDR block (V(203.0.113.0/28)) or an inclusive range
        (V(203.0.113.10-203.0.113.20)). A block or range covers at most 65536 addresses, of which
        the first O(probe.max_targets) hosts are probed.
    type: list
    elements: str
    required: true
  verification_email:
    description:
      - The recipient of C(RCPT TO), and of the verification message in a real run; the
        mailbox that the gateway task will name.
    type: str
    required: true
  domain:
    description:
      - The domain the addresses will serve, for example V(example.com).
      - It is named in the verification message, and the probe sends from
        C(postmaster@<domain>) unless O(probe.mail_from) is set.
      - Without it, O(probe.mail_from) is required.
    type: str
  allow_private_addresses:
    description:
      - Accept loopback, private (RFC 1918, shared 100.64.0.0/10, unique local), link-local,
        multicast, reserved and unspecified addresses, which Alibaba's servers could never
        reach, as the gateway modules do.
      - Meant for tests against a local emulator.
    type: bool
    default: false
notes:
  - The module runs on the controller; use it in a play on C(localhost) or with the C(local)
    connection. The controller must reach the addresses on the ports that the service will use.
  - C(changed) is always V(false). A real run sends one verification message per target
    to O(verification_email), but changes nothing that the collection manages, so a pre-flight
    step stays unchanged in a run with nothing to do.
  - When a block or range holds more hosts than O(probe.max_targets), only the first ones are
    probed and a warning says how many were left out.
seealso:
  - module: alimail.gateways.mail_send_gateway
  - module: alimail.gateways.mail_receive_gateway
  - module: alimail.gateways.mail_gateway_info
"""

EXAMPLES = r"""
- name: Pre-flight check before the change window
  hosts: localhost
  gather_facts: false
  tasks:
    # Check mode: each session ends after RCPT TO, so no mail is sent.
    - name: Check that the new relays would accept mail for example.com
      alimail.gateways.mail_gateway_probe:
        domain: example.com
        addresses:
          - 203.0.113.20
          - 203.0.113.21:2525
        verification_email: gateway-check@example.com
        probe:
          tls: required
          timeout: 5
      check_mode: true
      register: preflight

    - name: Show each target
      ansible.builtin.debug:
        msg: "{{ item.address }}:{{ item.port }} {{ item.stage }} {{ item.code }} TLS {{ item.tls.version | default('none') }}"
      loop: "{{ preflight.probe.targets }}"

- name: Other pre-flight checks
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Probe a block of relays and send each a verification message
      alimail.gateways.mail_gateway_probe:
        domain: example.org
        addresses: 198.51.100.16/29
        verification_email: archive-check@example.org
        probe:
          max_targets: 6  # the block has 6 hosts besides its network and broadcast addresses

    - name: Reuse the probe settings of the gateway tasks; probe.when is not used here
      alimail.gateways.mail_gateway_probe:
        domain: example.com
        addresses:
          - 203.0.113.20
        verification_email: gateway-check@example.com
        probe: "{{ gateway_probe_settings }}"
      vars:
        gateway_probe_settings:
          when: always
          tls: opportunistic
          timeout: 5

    - name: Without a domain, name the sender
      alimail.gateways.mail_gateway_probe:
        addresses:
          - 203.0.113.20
        verification_email: gateway-check@example.com
        probe:
          mail_from: probe@example.net
      check_mode: true

# Test context only: against the local emulator, whose SMTP gateways listen on 127.0.0.1.
- name: Probe the emulator's accepting SMTP listener
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Probe the accepting listener, sending no mail
      alimail.gateways.mail_gateway_probe:
        domain: example.com
        addresses:
          - "127.0.0.1:{{ lookup('ansible.builtin.env', 'SMTP_ACCEPT_PORT') }}"
        verification_email: postmaster@example.com
        allow_private_addresses: true  # 127.0.0.1 is refused otherwise
      check_mode: true
"""

RETURN = r"""
probe:
  description:
    - The controller's SMTP probe of O(addresses), in the shape of
      RV(alimail.gateways.mail_send_gateway#module:probe).
    - Also returned when the task fails, with every target's result.
  returned: always
  type: dict
  contains:
    ran:
      description: Whether the probe ran; V(false) only when an option was refused first.
      type: bool
      sample: true
    ok:
      description: Whether every probed target succeeded; V(null) when the probe did not run.
      type: bool
      sample: true
    mode:
      description:
        - V(check) in check mode (ends after C(RCPT TO), sends no mail), V(deliver) in a real run
          (sends the verification message); V(null) when the probe did not run.
      type: str
      sample: check
    run_id:
      description: Id of this probe run, also written in the verification messages.
      type: str
      sample: 3f9c2a71b0d4
    skipped:
      description: Hosts of O(addresses) left out beyond O(probe.max_targets).
      type: int
      sample: 0
    targets:
      description:
        - One result per probed target, passed or failed, in the canonical order of the entries
          (sorted as the gateway modules return address lists), not necessarily as written.
      type: list
      elements: dict
      contains:
        address:
          description: The IP address probed.
          type: str
          sample: 203.0.113.20
        port:
          description: The port probed.
          type: int
          sample: 25
        ok:
          description: Whether the target reached the last stage.
          type: bool
          sample: true
        stage:
          description:
            - The last stage reached (V(done) on success) or the stage that failed, one of
              V(connect), V(banner), V(ehlo), V(starttls), V(mail), V(rcpt), V(data), V(done).
          type: str
          sample: done
        code:
          description: The SMTP reply code of that stage, if any.
          type: int
          sample: 250
        message:
          description: The SMTP reply text of that stage, or what went wrong.
          type: str
          sample: "2.0.0 Ok"
        tls:
          description: The TLS session, or V(null) when none was negotiated.
          type: dict
          contains:
            version:
              description: TLS version.
              type: str
              sample: TLSv1.3
            cipher:
              description: Cipher suite.
              type: str
              sample: TLS_AES_256_GCM_SHA384
            subject:
              description: Subject of the server certificate.
              type: str
              sample: CN=relay1.example.com
            sans:
              description: DNS names and IP addresses of the certificate.
              type: list
              elements: str
              sample: ["relay1.example.com"]
            not_after:
              description: Expiry of the certificate.
              type: str
              sample: "2026-11-30T23:59:59Z"
            days_left:
              description: Days until the certificate expires.
              type: int
              sample: 273
            verified:
              description: Whether the certificate verified against the CA certificates.
              type: bool
              sample: true
            verify_error:
              description: Why it did not verify, or V(null).
              type: str
              sample: null
        elapsed_ms:
          description: Time the target took, in milliseconds.
          type: int
          sample: 212
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.alimail.gateways.plugins.module_utils._argspec import (
    preflight_argument_spec,
)
from ansible_collections.alimail.gateways.plugins.module_utils._preflight import run_preflight


def main():
    module = AnsibleModule(argument_spec=preflight_argument_spec(), supports_check_mode=True)
    run_preflight(module)


if __name__ == "__main__":
    main()
