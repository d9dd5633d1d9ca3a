"""Decent DE1 espresso machines: profiles and their upload bytes, without Home Assistant."""
