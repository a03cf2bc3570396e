"""Policies as code: the embedded Rego engine, compile checks, composed inputs, isolation."""
