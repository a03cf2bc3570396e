package main

deny[msg] {
  input.kind == "Pod"
}
