/**
 * createTopicKD's settings: an unknown key is a ConfigError naming it (not ignored), values are
 * checked as a config file's are, and the threads split into embedding and training settings.
 */
import { describe, it, expect } from 'vitest';
import { createTopicKD, ConfigError } from 'topickd';

describe('createTopicKD settings', () => {
  it('refuses an unknown key, naming it and the settings there are', async () => {
    const err = await createTopicKD({ bogus: 1 } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/unknown setting "bogus"; the settings are backend, .*trainingThreads/);
    await expect(createTopicKD({ trainingThreads: 0 })).rejects.toThrow(/trainingThreads/);
    await expect(createTopicKD({ threads: 'two' as never })).rejects.toThrow(/threads/);
  });

  it('trainingThreads reaches the training backend; threads alone sets it too; embeddingThreads does not', async () => {
    expect((await createTopicKD({ backend: 'wasm', trainingThreads: 2 })).backend.threads).toBe(2);
    expect((await createTopicKD({ backend: 'wasm', threads: 2 })).backend.threads).toBe(2);
    expect((await createTopicKD({ backend: 'wasm', embeddingThreads: 2 })).backend.threads).toBe(1);
  });
});
