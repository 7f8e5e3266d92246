// The errno values the bpf() syscall and helpers return (asm-generic/errno-base.h, errno.h).

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOTSUPP = 524;
export const EOPNOTSUPP = 95;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM', [ENOENT]: 'ENOENT', [E2BIG]: 'E2BIG', [EBADF]: 'EBADF', [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM', [EFAULT]: 'EFAULT', [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST', [EINVAL]: 'EINVAL',
  [ENOSPC]: 'ENOSPC', [ERANGE]: 'ERANGE', [ENOTSUPP]: 'ENOTSUPP', [EOPNOTSUPP]: 'EOPNOTSUPP',
};

/** strerror(3)'s text, for messages a user reads. */
const STRERROR: Record<number, string> = {
  [EPERM]: 'Operation not permitted', [ENOENT]: 'No such file or directory', [E2BIG]: 'Argument list too long',
  [EBADF]: 'Bad file descriptor', [EAGAIN]: 'Resource temporarily unavailable', [ENOMEM]: 'Cannot allocate memory',
  [EFAULT]: 'Bad address', [EBUSY]: 'Device or resource busy', [EEXIST]: 'File exists', [EINVAL]: 'Invalid argument',
  [ENOSPC]: 'No space left on device', [ERANGE]: 'Numerical result out of range', [ENOTSUPP]: 'Unknown error 524',
  [EOPNOTSUPP]: 'Operation not supported',
};

export const errnoName = (e: number): string => NAMES[Math.abs(e)] ?? `E${Math.abs(e)}`;
export const strerror = (e: number): string => STRERROR[Math.abs(e)] ?? `Unknown error ${Math.abs(e)}`;
