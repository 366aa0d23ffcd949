#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mail_gateway_info
short_description: Read the sending and receiving gateways of Alibaba Mail domains
version_added: 0.1.0
description:
  - Reads the third-party sending gateway and the receiving gateway of one domain of Alibaba Mail
    (AI Premium Edition), or of a list of domains, and returns them in the terms the gateway
    modules use.
  - Made for drift reports. One task reads every domain of a run with one client and one access
    token; it writes nothing and sends no mail. Each gateway comes back in exactly the shape of the
    RV(alimail.gateways.mail_send_gateway#module:gateway) and
    RV(alimail.gateways.mail_receive_gateway#module:gateway) returns, with address lists sorted and
    in canonical spelling, so it compares directly with what a playbook or repository declares.
  - A direction that was never configured is V(null), not an error. A domain that is not in the
    organisation fails the task, naming the domain.
author:
  - alimail.gateways contributors (@alimail-gateways)
requirements:
  - netaddr (Python library) on the controller
extends_documentation_fragment:
  - alimail.gateways.connection
  - alimail.gateways.attributes
attributes:
  check_mode:
    description: Can run in check mode and return the same result as without it.
    support: full
    details:
      - The module only reads, so check mode changes nothing in what it does.
  diff_mode:
    description: Would return the change before and after with C(--diff).
    support: N/A
    details:
      - The module changes nothing, so there is no diff.
  idempotent:
    description: A second run with the same options changes nothing.
    support: full
options:
  domain:
    description:
      - The domain whose gateways are read, for example V(example.com).
      - Exactly one of O(domain) and O(domains) is required.
    type: str
  domains:
    description:
      - The domains whose gateways are read, in one run with one access token.
      - A domain given twice (also in another case or with a trailing dot) is read once.
      - Exactly one of O(domain) and O(domains) is required.
    type: list
    elements: str
notes:
  - The module runs on the controller; use it in a play on C(localhost) or with the C(local)
    connection.
  - It makes one token request and two reads per domain (sending and receiving), one domain after
    the other. For many domains in one play, one task with O(domains) costs less than a task per
    domain.
seealso:
  - module: alimail.gateways.mail_send_gateway
  - module: alimail.gateways.mail_receive_gateway
  - module: alimail.gateways.mail_gateway_probe
"""

EXAMPLES = r"""
# A drift check for a pipeline: every declared gateway must be stored exactly as declared.
- name: Check the gateways of the managed domains for drift
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/alimail.gateways.all:
      site: sg  # the client ID and secret come from ALIMAIL_CLIENT_ID and ALIMAIL_CLIENT_SECRET
  vars:
    # Written as the module returns gateways: entries sorted, in canonical spelling (IPv6
    # compressed, lower case); {} declares that a direction has no gateway.
    declared:
      example.com:
        sending:
          name: DLP cluster Frankfurt
          addresses: ["203.0.113.10", "203.0.113.11"]
          verification_email: gateway-check@example.com
          enabled: true
        receiving: {}
      example.org:
        sending: {}
        receiving:
          name: Anti-spam cluster
          ingress_addresses: ["198.51.100.25"]
          egress_addresses: ["198.51.100.16/29"]
          verification_email: gateway-check@example.org
          enabled: true
  tasks:
    - name: Read the gateways of every declared domain, with one token
      alimail.gateways.mail_gateway_info:
        domains:
          - example.com
          - example.org
      register: stored

    # Every domain is checked; the task fails once at the end, listing each domain that drifted.
    - name: Fail for each domain whose gateways differ from the declaration
      ansible.builtin.assert:
        that:
          - drift_stored == item.value
        fail_msg: "{{ item.key }} drifted: stored {{ drift_stored }}, declared {{ item.value }}"
        success_msg: "{{ item.key }} is as declared"
      loop: "{{ declared | ansible.builtin.dict2items }}"
      loop_control:
        label: "{{ item.key }}"
      vars:
        # updated_at is the service's, not declared; a direction never configured becomes {}.
        drift_stored:
          sending: "{{ stored.gateways[item.key].sending | default({}, true) | ansible.builtin.dict2items
            | rejectattr('key', 'eq', 'updated_at') | ansible.builtin.items2dict }}"
          receiving: "{{ stored.gateways[item.key].receiving | default({}, true) | ansible.builtin.dict2items
            | rejectattr('key', 'eq', 'updated_at') | ansible.builtin.items2dict }}"

- name: Other everyday reads
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the gateways of one domain
      alimail.gateways.mail_gateway_info:
        domain: example.com
      register: info

    - name: Show whether outgoing mail goes through a gateway
      ansible.builtin.debug:
        msg: >-
          {{ 'sending gateway ' ~ info.gateways['example.com'].sending.name ~ ' is '
             ~ (info.gateways['example.com'].sending.enabled | ansible.builtin.ternary('enabled', 'disabled'))
             if info.gateways['example.com'].sending else 'no sending gateway was ever configured' }}

# Test context only: against the local emulator.
- name: Read the gateways the emulator stores
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read both demo domains of the emulator
      alimail.gateways.mail_gateway_info:
        api_url: "{{ lookup('ansible.builtin.env', 'ALIMAIL_API_URL') }}"
        domains:
          - example.com
          - example.org
      register: emulated
"""

RETURN = r"""
gateways:
  description:
    - The gateways of each domain read, keyed by the domain in lower case without a trailing dot.
      Each value holds RV(gateways.sending) and RV(gateways.receiving).
    - When the task fails, the domains read before the failure.
  returned: always
  type: dict
  contains:
    sending:
      description:
        - The sending gateway, in the shape of
          RV(alimail.gateways.mail_send_gateway#module:gateway).
        - V(null) when the domain's sending gateway was never configured.
      type: dict
      contains:
        name:
          description: Display name.
          type: str
          sample: DLP cluster Frankfurt
        addresses:
          description: Address entries, canonical and sorted.
          type: list
          elements: str
          sample: ["203.0.113.10", "203.0.113.11"]
        verification_email:
          description: Mailbox of the verification messages.
          type: str
          sample: gateway-check@example.com
        enabled:
          description: Whether outgoing mail goes through the gateway.
          type: bool
          sample: true
        updated_at:
          description: When the service last changed the gateway (RFC 3339).
          type: str
          returned: when the service reported it
          sample: "2026-03-02T22:14:05Z"
    receiving:
      description:
        - The receiving gateway, in the shape of
          RV(alimail.gateways.mail_receive_gateway#module:gateway).
        - V(null) when the domain's receiving gateway was never configured.
      type: dict
      contains:
        name:
          description: Display name.
          type: str
          sample: Anti-spam cluster
        ingress_addresses:
          description: Addresses incoming mail is handed to, canonical and sorted.
          type: list
          elements: str
          sample: ["198.51.100.25"]
        egress_addresses:
          description: Addresses trusted to hand the filtered mail back, canonical and sorted.
          type: list
          elements: str
          sample: ["198.51.100.16/29"]
        verification_email:
          description: Mailbox of the verification messages.
          type: str
          sample: gateway-check@example.org
        enabled:
          description: Whether incoming mail goes through the gateway.
          type: bool
          sample: true
        updated_at:
          description: When the service last changed the gateway (RFC 3339).
          type: str
          returned: when the service reported it
          sample: "2026-03-02T22:20:41Z"
  sample:
    example.com:
      sending:
        name: DLP cluster Frankfurt
        addresses: ["203.0.113.10", "203.0.113.11"]
        verification_email: gateway-check@example.com
        enabled: true
        updated_at: "2026-03-02T22:14:05Z"
      receiving: null
    example.org:
      sending: null
      receiving: null
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.alimail.gateways.plugins.module_utils._argspec import info_argument_spec
from ansible_collections.alimail.gateways.plugins.module_utils._info import run_info


def main():
    module = AnsibleModule(
        argument_spec=info_argument_spec(),
        mutually_exclusive=[("domain", "domains")],
        required_one_of=[("domain", "domains")],
        supports_check_mode=True,
    )
    run_info(module)


if __name__ == "__main__":
    main()
