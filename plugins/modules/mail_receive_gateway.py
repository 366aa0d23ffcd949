#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mail_receive_gateway
short_description: Manage the receiving gateway of an Alibaba Mail domain
version_added: 0.1.0
description:
  - Creates, changes, enables, disables or removes the third-party receiving gateway of a domain
    of Alibaba Mail (AI Premium Edition). Incoming mail then passes the organisation's own
    anti-spam gateway, placed behind Alibaba's receiving service, so MX records stay as they are.
    The service hands incoming mail to the ingress addresses, and accepts the filtered mail back
    from the egress addresses.
  - B(A wrong receiving gateway stops the domain's incoming mail at once.) The module follows the
    vendor's advice so that a task cannot do that by mistake.
  - B(It enables a gateway only after a successful test.) When the result would be an enabled
    gateway whose ingress addresses or verification email differ from what is enabled now, the
    SMTP probe from the controller (O(probe)) must succeed for every ingress address, then the
    service's own test of the first one must succeed, and only then is the gateway written. If
    either fails, the task fails and the gateway stays exactly as it was.
  - B(It saves a single address first.) When a gateway is created with several ingress addresses,
    the first one is saved alone (and enabled, if asked), then the full list
    (O(staged_first_save)).
  - B(Change off-peak.) O(change_window) makes a real run that needs a write fail outside the
    window.
  - Options left out keep their current value, so a task manages only what it names.
    Addresses are compared as sets of entries, so another order, other spacing or another
    spelling of an IPv6 address is no change.
author:
  - alimail.gateways contributors (@alimail-gateways)
requirements:
  - netaddr (Python library) on the controller
extends_documentation_fragment:
  - alimail.gateways.connection
  - alimail.gateways.probe
  - alimail.gateways.change_window
  - alimail.gateways.attributes
  - alimail.gateways.attributes.gateway
options:
  domain:
    description:
      - The domain of the organisation whose receiving gateway is managed, for example
        V(example.com).
    type: str
    required: true
  state:
    description:
      - V(present) creates or changes the gateway; V(absent) removes it.
      - With V(absent), incoming mail is delivered to the mailboxes directly again.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Display name of the gateway, 1 to 200 characters.
      - Required to create the gateway.
    type: str
  ingress_addresses:
    description:
      - Where the service hands incoming mail to the gateway (the service's C(ingressAddress)).
        These are the addresses the probe and the service test connect to. Each element may hold
        several entries separated by commas.
      - Each entry is an IPv4 or IPv6 address, an address with a port (V(203.0.113.25:2525),
        V([2001:db8::25]:2525)), a CIDR block (V(203.0.113.0/28)) or an inclusive range
        (V(203.0.113.25-203.0.113.30)). A block or range covers at most 65536 addresses.
      - Required to create the gateway.
    type: list
    elements: str
  egress_addresses:
    description:
      - Where the filtered mail comes back from (the service's C(egressAddress)). Mail from these
        addresses reaches the mailboxes past the service's anti-spam checks, so an entry that
        covers more than 256 addresses is refused unless O(allow_broad_egress=true).
      - Same entry forms as O(ingress_addresses). Not probed.
      - Required to create the gateway.
    type: list
    elements: str
  verification_email:
    description:
      - The mailbox that receives the verification messages of the probe and of the service test.
      - Required to create the gateway.
    type: str
  enabled:
    description:
      - Whether incoming mail goes through the gateway.
      - Not set keeps the current value; a new gateway is created disabled.
      - Enabling, or changing O(ingress_addresses) or O(verification_email) of an enabled
        gateway, needs a successful probe and service test first.
    type: bool
  allow_private_addresses:
    description:
      - Accept loopback, private (RFC 1918, shared 100.64.0.0/10, unique local), link-local,
        multicast, reserved and unspecified addresses, which Alibaba's servers could never
        reach.
      - Meant for tests against a local emulator.
    type: bool
    default: false
  allow_broad_egress:
    description:
      - Accept an O(egress_addresses) entry that covers more than 256 addresses.
    type: bool
    default: false
  staged_first_save:
    description:
      - When the gateway is created with more than one ingress address, save the first address
        alone first (tested and enabled if asked), then the full list, as the vendor advises for
        the initial configuration. O(egress_addresses) is saved in full both times.
      - V(false) saves the full lists at once.
    type: bool
    default: true
notes:
  - The module runs on the controller; use it in a play on C(localhost) or with the C(local)
    connection.
  - A real run that probes sends one short verification message per probed ingress address to
    O(verification_email), and the service test sends one more. Check mode sends none.
  - The probe targets are the addresses the service will connect to; the controller must be able
    to reach them on the same ports, or the probe fails and the gateway is not enabled.
  - Every write carries the C(ETag) of the state it was computed from. When the gateway changed in
    the meantime, the module reads it again and either finds nothing left to do or applies its
    change on top, once.
seealso:
  - module: alimail.gateways.mail_send_gateway
  - module: alimail.gateways.mail_gateway_info
  - module: alimail.gateways.mail_gateway_probe
"""

EXAMPLES = r"""
- name: Filter example.com's incoming mail through the anti-spam gateway
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/alimail.gateways.all:
      site: sg  # the client ID and secret come from ALIMAIL_CLIENT_ID and ALIMAIL_CLIENT_SECRET
  tasks:
    # Before anything is written, the controller probes both ingress addresses over SMTP (up to
    # DATA, sending one verification message each) and the service tests the first one. Created
    # with two ingress addresses, the gateway is first saved with 203.0.113.25 alone, then with
    # both. The egress block is not probed: it is where the filtered mail comes back from.
    - name: Configure and enable the receiving gateway
      alimail.gateways.mail_receive_gateway:
        domain: example.com
        name: Anti-spam cluster Singapore
        ingress_addresses:
          - 203.0.113.25
          - 203.0.113.26
        egress_addresses:
          - 203.0.113.32/28
        verification_email: gateway-check@example.com
        enabled: true
        change_window:
          start: "01:00"
          end: "05:00"
          timezone: Asia/Singapore

- name: Plan stage of a pipeline, without writing or sending mail
  hosts: localhost
  gather_facts: false
  tasks:
    # Check mode writes nothing and skips the service test; the controller still probes the
    # ingress addresses, ending each session after RCPT TO, and fails if the real run would fail.
    - name: Show what the change window run would change
      alimail.gateways.mail_receive_gateway:
        domain: example.com
        ingress_addresses: 203.0.113.25, 203.0.113.26
        enabled: true
      check_mode: true
      diff: true
      register: plan

- name: Other everyday tasks
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Add an egress relay; ingress and the enabled state stay as they are, no probe runs
      alimail.gateways.mail_receive_gateway:
        domain: example.com
        egress_addresses:
          - 203.0.113.32/28
          - 198.51.100.40

    - name: Stage a new gateway disabled, with its ingress on port 2525, without probing it yet
      alimail.gateways.mail_receive_gateway:
        domain: example.org
        name: Anti-spam appliance
        ingress_addresses:
          - "[2001:db8:25::10]:2525"
        egress_addresses:
          - 2001:db8:25::/120
        verification_email: gateway-check@example.org
        enabled: false
        probe:
          when: never

    - name: Switch the gateway off; incoming mail reaches the mailboxes directly again
      alimail.gateways.mail_receive_gateway:
        domain: example.com
        enabled: false

    - name: Remove the gateway
      alimail.gateways.mail_receive_gateway:
        domain: example.org
        state: absent

# Test context only: against the local emulator, whose SMTP gateways listen on 127.0.0.1.
- name: Exercise the module against the emulator
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Enable a receiving gateway on the emulator's accepting SMTP listener
      alimail.gateways.mail_receive_gateway:
        api_url: "{{ lookup('ansible.builtin.env', 'ALIMAIL_API_URL') }}"
        domain: example.com
        name: Emulated anti-spam gateway
        ingress_addresses:
          - "127.0.0.1:{{ lookup('ansible.builtin.env', 'SMTP_ACCEPT_PORT') }}"
        egress_addresses:
          - 127.0.0.1
        verification_email: postmaster@example.com
        enabled: true
        allow_private_addresses: true  # 127.0.0.1 is refused otherwise
        probe:
          timeout: 5
      register: result

    - name: Show the probe of each target
      ansible.builtin.debug:
        msg: "{{ item.address }}:{{ item.port }} {{ item.stage }} ok={{ item.ok }}"
      loop: "{{ result.probe.targets }}"
"""

RETURN = r"""
gateway:
  description:
    - The receiving gateway after the task; in check mode, as the real run would leave it.
    - V({}) when there is no gateway.
  returned: success, and on failure once the gateway was read
  type: dict
  contains:
    name:
      description: Display name.
      type: str
      sample: Anti-spam cluster Singapore
    ingress_addresses:
      description: Ingress address entries, canonical and sorted.
      type: list
      elements: str
      sample: ["203.0.113.25", "203.0.113.26"]
    egress_addresses:
      description: Egress address entries, canonical and sorted.
      type: list
      elements: str
      sample: ["203.0.113.32/28"]
    verification_email:
      description: Mailbox of the verification messages.
      type: str
      sample: gateway-check@example.com
    enabled:
      description: Whether incoming mail goes through the gateway.
      type: bool
      sample: true
    updated_at:
      description:
        - When the service last changed the gateway (RFC 3339).
        - Left out in check mode for a state that was not written.
      type: str
      returned: when the service reported it
      sample: "2026-03-02T18:03:41Z"
  sample:
    name: Anti-spam cluster Singapore
    ingress_addresses: ["203.0.113.25", "203.0.113.26"]
    egress_addresses: ["203.0.113.32/28"]
    verification_email: gateway-check@example.com
    enabled: true
    updated_at: "2026-03-02T18:03:41Z"
probe:
  description: The controller's SMTP probe of O(ingress_addresses).
  returned: always
  type: dict
  contains:
    ran:
      description: Whether the probe ran (see O(probe.when)).
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
      sample: deliver
    run_id:
      description: Id of this probe run, also written in the verification messages.
      type: str
      sample: 3f9c2a71b0d4
    skipped:
      description: Hosts of the field left out beyond O(probe.max_targets).
      type: int
      sample: 0
    targets:
      description: One result per probed target, passed or failed, in the canonical order of the entries.
      type: list
      elements: dict
      contains:
        address:
          description: The IP address probed.
          type: str
          sample: 203.0.113.25
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
          sample: "2.0.0 Ok: queued as 4F2A1C"
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
              sample: CN=mx-filter1.example.com
            sans:
              description: DNS names and IP addresses of the certificate.
              type: list
              elements: str
              sample: ["mx-filter1.example.com"]
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
          sample: 418
service_test:
  description:
    - The service's own test of the first ingress address, made before a gateway is enabled in a
      real run; V(null) when it was not called (always in check mode).
  returned: always
  type: dict
  contains:
    address:
      description: The address tested, with its port unless 25.
      type: str
      sample: 203.0.113.25
    success:
      description: Whether the service's test message was accepted.
      type: bool
      sample: true
    stage:
      description: The stage reached or failed at, as in RV(probe.targets[].stage).
      type: str
      sample: done
    tls:
      description: Whether the service negotiated TLS.
      type: bool
      sample: true
    message:
      description: The service's account of the test.
      type: str
      sample: test message accepted
    elapsed_ms:
      description: Time the test took, in milliseconds.
      type: int
      sample: 640
saves:
  description:
    - The states saved (in check mode, that would be saved), in order, in the shape of
      RV(gateway). Two when a new gateway with several ingress addresses was saved with its first
      address first (O(staged_first_save)), one for other changes, none when nothing changed or
      the gateway was removed.
  returned: always
  type: list
  elements: dict
  sample:
    - name: Anti-spam cluster Singapore
      ingress_addresses: ["203.0.113.25"]
      egress_addresses: ["203.0.113.32/28"]
      verification_email: gateway-check@example.com
      enabled: true
    - name: Anti-spam cluster Singapore
      ingress_addresses: ["203.0.113.25", "203.0.113.26"]
      egress_addresses: ["203.0.113.32/28"]
      verification_email: gateway-check@example.com
      enabled: true
diff:
  description:
    - The gateway before and after, in the shape of RV(gateway) without its C(updated_at)
      timestamp, which is the service's bookkeeping rather than configuration; V({}) for no gateway.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The gateway as read.
      type: dict
      sample: {}
    after:
      description: The gateway after the task, as in RV(gateway).
      type: dict
      sample:
        name: Anti-spam cluster Singapore
        ingress_addresses: ["203.0.113.25", "203.0.113.26"]
        egress_addresses: ["203.0.113.32/28"]
        verification_email: gateway-check@example.com
        enabled: true
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.alimail.gateways.plugins.module_utils._argspec import (
    gateway_argument_spec,
)
from ansible_collections.alimail.gateways.plugins.module_utils._runner import run_gateway


def main():
    module = AnsibleModule(
        argument_spec=gateway_argument_spec("receiving"),
        supports_check_mode=True,
    )
    run_gateway(module, "receiving")


if __name__ == "__main__":
    main()
