// A memo of a function's last two answers. The records of one commit repeat a few strings (every
// event of a commit carries the same `at`, an input its `createdAt` and `updatedAt`), so parsing
// them once each is worth two string comparisons; a cache any larger would cost more than it saves.

/** `fn`, answering again from memory when called with one of the last two `text`s. */
export function memoOfLastTwo<T>(fn: (text: string) => T): (text: string) => T {
  let newer: { text: string; value: T } | null = null;
  let older: { text: string; value: T } | null = null;
  return (text) => {
    if (newer?.text === text) return newer.value;
    if (older?.text === text) {
      const hit = older;
      older = newer;
      newer = hit;
      return hit.value;
    }
    older = newer;
    newer = { text, value: fn(text) };
    return newer.value;
  };
}
