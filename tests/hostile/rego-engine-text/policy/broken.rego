package broken

deny[msg] {
  input.x ==
}
