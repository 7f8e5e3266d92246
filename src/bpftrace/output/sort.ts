// The orders bpftrace prints in. bpftrace sorts map entries with std::sort, which is not stable:
// entries that compare equal come out in whatever order libstdc++'s introsort leaves them. That
// order is a pure function of the input order, so replaying the same algorithm step for step
// (median-of-three quicksort down to runs of 16, heapsort past the depth limit, one insertion
// sort at the end) prints ties exactly as bpftrace would for the same input.

const S_THRESHOLD = 16;

type Less<T> = (a: T, b: T) => boolean;

/** libstdc++'s std::sort, in place. */
export function stdSort<T>(a: T[], less: Less<T>): T[] {
  if (a.length > 1) {
    introsortLoop(a, 0, a.length, 2 * Math.floor(Math.log2(a.length)), less);
    finalInsertionSort(a, 0, a.length, less);
  }
  return a;
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function introsortLoop<T>(a: T[], first: number, last: number, depthLimit: number, less: Less<T>): void {
  while (last - first > S_THRESHOLD) {
    if (depthLimit === 0) {
      heapSort(a, first, last, less);
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(a, first, last, less);
    introsortLoop(a, cut, last, depthLimit, less);
    last = cut;
  }
}

function unguardedPartitionPivot<T>(a: T[], first: number, last: number, less: Less<T>): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(a, first, first + 1, mid, last - 1, less);
  return unguardedPartition(a, first + 1, last, first, less);
}

function moveMedianToFirst<T>(a: T[], result: number, x: number, y: number, z: number, less: Less<T>): void {
  if (less(a[x]!, a[y]!)) {
    if (less(a[y]!, a[z]!)) swap(a, result, y);
    else if (less(a[x]!, a[z]!)) swap(a, result, z);
    else swap(a, result, x);
  } else if (less(a[x]!, a[z]!)) swap(a, result, x);
  else if (less(a[y]!, a[z]!)) swap(a, result, z);
  else swap(a, result, y);
}

function unguardedPartition<T>(a: T[], first: number, last: number, pivot: number, less: Less<T>): number {
  for (;;) {
    while (less(a[first]!, a[pivot]!)) first++;
    last--;
    while (less(a[pivot]!, a[last]!)) last--;
    if (!(first < last)) return first;
    swap(a, first, last);
    first++;
  }
}

function finalInsertionSort<T>(a: T[], first: number, last: number, less: Less<T>): void {
  if (last - first > S_THRESHOLD) {
    insertionSort(a, first, first + S_THRESHOLD, less);
    for (let i = first + S_THRESHOLD; i < last; i++) unguardedLinearInsert(a, i, less);
  } else {
    insertionSort(a, first, last, less);
  }
}

function insertionSort<T>(a: T[], first: number, last: number, less: Less<T>): void {
  for (let i = first + 1; i < last; i++) {
    if (less(a[i]!, a[first]!)) {
      const v = a[i]!;
      for (let j = i; j > first; j--) a[j] = a[j - 1]!;
      a[first] = v;
    } else {
      unguardedLinearInsert(a, i, less);
    }
  }
}

function unguardedLinearInsert<T>(a: T[], last: number, less: Less<T>): void {
  const v = a[last]!;
  let next = last - 1;
  while (less(v, a[next]!)) {
    a[last] = a[next]!;
    last = next;
    next--;
  }
  a[last] = v;
}

// std::partial_sort(first, last, last): make_heap then sort_heap, with libstdc++'s hole-moving
// __adjust_heap/__push_heap.
function heapSort<T>(a: T[], first: number, last: number, less: Less<T>): void {
  const len = last - first;
  if (len >= 2) {
    for (let parent = Math.floor((len - 2) / 2); ; parent--) {
      adjustHeap(a, first, parent, len, a[first + parent]!, less);
      if (parent === 0) break;
    }
  }
  while (last - first > 1) {
    last--;
    const v = a[last]!;
    a[last] = a[first]!;
    adjustHeap(a, first, 0, last - first, v, less);
  }
}

function adjustHeap<T>(a: T[], first: number, hole: number, len: number, value: T, less: Less<T>): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((len - 1) / 2)) {
    child = 2 * (child + 1);
    if (less(a[first + child]!, a[first + child - 1]!)) child--;
    a[first + hole] = a[first + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
    child = 2 * (child + 1);
    a[first + hole] = a[first + child - 1]!;
    hole = child - 1;
  }
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(a[first + parent]!, value)) {
    a[first + hole] = a[first + parent]!;
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  a[first + hole] = value;
}

/** Unsigned lexicographic order of byte vectors, as std::vector<uint8_t>'s operator<. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Byte order of byte strings (strcmp's unsigned chars). */
export function compareByteStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order maps print in at exit: byte order of their names (`@`, `@B`, `@_x`, `@a`, `@a1`). */
export function sortMapsByName<T extends { name: string }>(maps: T[]): T[] {
  return [...maps].sort((a, b) => compareByteStrings(a.name, b.name));
}
