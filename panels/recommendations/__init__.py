"""The panel's product: recommendations drafted by members, voted under the panel's rulebook,
reported, responded to by the government and tracked through implementation."""
