"""Kernel conntrack lab: replay captures through the real Linux conntrack.

Modules:
  capture  - read pcap/pcapng, turn every IP packet into an Ethernet frame the
             bridge will forward untouched, remember what to expect in the trace
  netlink  - just enough netlink: ctnetlink events/dumps/requests and NFLOG
  render   - the normalised text forms (events, table, trace) and comparisons
  lab      - namespaces, ruleset, listener thread, barriers, one replay,
             the frame both command-line scripts share (run_cli)
"""
