// The runtime's limits, read from worker variables with their documented defaults.

/** The limits one runtime enforces; each is a worker variable of the same name. */
export interface Limits {
  maxMessageBytes: number;
  maxMessagesPerSecond: number;
  maxSocketsPerUser: number;
  maxConfigBytes: number;
  maxSnapshotBytes: number;
}

const positive = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};

/** Reads the limits from the environment; a missing or unreadable variable keeps its default. */
export const limitsFrom = (env: Partial<Record<string, unknown>>): Limits => ({
  maxMessageBytes: positive(env.MAX_MESSAGE_BYTES as string | undefined, 1024 * 1024),
  maxMessagesPerSecond: positive(env.MAX_MESSAGES_PER_SECOND as string | undefined, 200),
  maxSocketsPerUser: positive(env.MAX_SOCKETS_PER_USER as string | undefined, 20),
  maxConfigBytes: positive(env.MAX_CONFIG_BYTES as string | undefined, 1024 * 1024),
  maxSnapshotBytes: positive(env.MAX_SNAPSHOT_BYTES as string | undefined, 64 * 1024 * 1024),
});
