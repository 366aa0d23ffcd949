# -*- coding: utf-8 -*-
# Copyright (c) 2026, alimail.gateways contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # The controller-side SMTP probe; built by _argspec.probe_options.
    DOCUMENTATION = r"""
options:
  probe:
    description:
      - The SMTP probe the controller runs against every concrete address of the probed field
        (sending gateway C(addresses), receiving gateway C(ingress_addresses)), in parallel.
      - Each target runs connect, banner (220), EHLO (HELO as a fallback), STARTTLS as O(probe.tls)
        says, C(MAIL FROM), C(RCPT TO) the verification email and then, in a real run, C(DATA)
        with a short verification message naming the domain and the run id. In check mode the
        probe ends with C(RSET) and C(QUIT) after C(RCPT TO) and sends no mail.
      - A CIDR block or range is expanded host by host (for IPv4 blocks without the network and
        broadcast addresses).
    type: dict
    suboptions:
      when:
        description:
          - V(changed) probes whenever the probed addresses or the verification email change, or
            the gateway is being enabled.
          - V(always) probes on every run, also when nothing changes.
          - V(never) does not probe; a change that enables a gateway, or changes the addresses or
            the verification email of an enabled one, is then refused, since it cannot be
            proven.
        type: str
        choices: [changed, always, never]
        default: changed
      port:
        description:
          - Port to probe for entries without their own port; an entry's own port (V(203.0.113.10:2525))
            wins.
        type: int
        default: 25
      tls:
        description:
          - V(opportunistic) uses STARTTLS when the server offers it and plain SMTP otherwise,
            as the service does.
          - V(required) fails a target that does not negotiate TLS.
          - V(disabled) never sends STARTTLS.
        type: str
        choices: [opportunistic, required, disabled]
        default: opportunistic
      tls_verify:
        description:
          - Whether a certificate that does not verify fails the target. Either way the result
            reports the certificate and whether it verified.
        type: bool
        default: false
      ca_path:
        description:
          - A PEM file (or a directory of them) with the CA certificates that verify the
            gateway's certificate, instead of the system's.
        type: path
      timeout:
        description:
          - Seconds each target may take in total, from connect to the last reply.
        type: float
        default: 10
      mail_from:
        description:
          - Envelope sender of the probe. Defaults to C(postmaster@<domain>).
        type: str
      helo_name:
        description:
          - Name the probe gives in EHLO or HELO. Defaults to the controller's fully qualified
            domain name.
        type: str
      max_targets:
        description:
          - Most hosts probed; beyond it only the first O(probe.max_targets) hosts are probed and
            a warning says how many were left out.
        type: int
        default: 16
      concurrency:
        description:
          - How many targets are probed at the same time, 1 to 256.
        type: int
        default: 16
"""

    # mail_gateway_probe, which always probes and may run without a domain. Only the
    # introduction, when and mail_from differ; a unit test keeps the rest equal to DOCUMENTATION.
    PREFLIGHT = r"""
options:
  probe:
    description:
      - How the controller probes every concrete address of O(addresses), in parallel. The
        same dictionary as the C(probe) option of the gateway modules, so one variable can
        serve them all.
      - Each target runs connect, banner (220), EHLO (HELO as a fallback), STARTTLS as O(probe.tls)
        says, C(MAIL FROM), C(RCPT TO) the verification email and then, in a real run, C(DATA)
        with a short verification message naming the domain and the run id. In check mode the
        probe ends with C(RSET) and C(QUIT) after C(RCPT TO) and sends no mail.
      - A CIDR block or range is expanded host by host (for IPv4 blocks without the network and
        broadcast addresses).
    type: dict
    suboptions:
      when:
        description:
          - Not used by this module, which always probes. It is accepted, with the same choices,
            so that the probe settings of a gateway task can be passed here unchanged.
        type: str
        choices: [changed, always, never]
        default: changed
      port:
        description:
          - Port to probe for entries without their own port; an entry's own port (V(203.0.113.10:2525))
            wins.
        type: int
        default: 25
      tls:
        description:
          - V(opportunistic) uses STARTTLS when the server offers it and plain SMTP otherwise,
            as the service does.
          - V(required) fails a target that does not negotiate TLS.
          - V(disabled) never sends STARTTLS.
        type: str
        choices: [opportunistic, required, disabled]
        default: opportunistic
      tls_verify:
        description:
          - Whether a certificate that does not verify fails the target. Either way the result
            reports the certificate and whether it verified.
        type: bool
        default: false
      ca_path:
        description:
          - A PEM file (or a directory of them) with the CA certificates that verify the
            gateway's certificate, instead of the system's.
        type: path
      timeout:
        description:
          - Seconds each target may take in total, from connect to the last reply.
        type: float
        default: 10
      mail_from:
        description:
          - Envelope sender of the probe. Defaults to C(postmaster@<domain>) when O(domain) is
            set; required when it is not.
        type: str
      helo_name:
        description:
          - Name the probe gives in EHLO or HELO. Defaults to the controller's fully qualified
            domain name.
        type: str
      max_targets:
        description:
          - Most hosts probed; beyond it only the first O(probe.max_targets) hosts are probed and
            a warning says how many were left out.
        type: int
        default: 16
      concurrency:
        description:
          - How many targets are probed at the same time, 1 to 256.
        type: int
        default: 16
"""
