package main

deny[msg] {
  x := 1 / input.n
  msg := sprintf("%v", [x])
}

limit := 1
if := 2
