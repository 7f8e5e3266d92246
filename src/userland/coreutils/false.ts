// false: fails, whatever its arguments (as bash's builtin does).

export function false_(): number {
  return 1;
}
