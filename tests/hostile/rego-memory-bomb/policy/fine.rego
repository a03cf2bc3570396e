package main

import rego.v1

deny contains "bad" if input.bad
