"""Reporters: findings, status, bundles and policy results rendered for people, programs and CI."""
