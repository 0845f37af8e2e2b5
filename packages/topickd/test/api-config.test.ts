/**
 * createTopicKD's settings: an unknown key is a ConfigError naming it (not ignored), values are
 * checked as a config file's are, and the threads split into embedding and training settings.
 */
import { describe, it, expect } from 'vitest';
import { createTopicKD, ConfigError } from 'topickd';
import { environmentConfig, mergeConfig, ENVIRONMENT_KEYS } from 'topickd/app';

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

  it('one order for every run: defaults < config file < environment < flags, the environment read in one place', async () => {
    const env = environmentConfig({ TOPICKD_THREADS: '3', TOPICKD_STREAM_MB: '0.5', TOPICKD_PLUGIN_TIMEOUT_S: '2', PATH: '/bin' });
    expect(env).toEqual({ threads: 3, streamMb: 0.5, pluginTimeout: 2 });
    expect(environmentConfig({ TOPICKD_THREADS: ' ' })).toEqual({}); // empty: unset
    expect(Object.keys(ENVIRONMENT_KEYS)).toEqual(['TOPICKD_THREADS', 'TOPICKD_STREAM_MB', 'TOPICKD_PLUGIN_TIMEOUT_S']);
    expect(mergeConfig({ threads: 2, epochs: 5 }, {}, {}).threads).toBe(2); // the file
    expect(mergeConfig({ threads: 2, epochs: 5 }, {}, env)).toMatchObject({ threads: 3, epochs: 5, streamMb: 0.5 }); // the environment over the file
    expect(mergeConfig({ threads: 2 }, { threads: 4 }, env).threads).toBe(4); // a flag over both
    for (const [name, bad] of [['TOPICKD_THREADS', 'lots'], ['TOPICKD_THREADS', '0'], ['TOPICKD_STREAM_MB', '-1'], ['TOPICKD_PLUGIN_TIMEOUT_S', 'never']]) {
      const err = (() => { try { environmentConfig({ [name]: bad }); } catch (e) { return e; } })();
      expect(err, `${name}=${bad}`).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(`the environment variable ${name} must be`);
    }
    // the API reads the same environment: TOPICKD_THREADS sets threads unless a setting does
    const saved = process.env.TOPICKD_THREADS;
    process.env.TOPICKD_THREADS = '2';
    try {
      expect((await createTopicKD({ backend: 'wasm' })).backend.threads).toBe(2);
      expect((await createTopicKD({ backend: 'wasm', threads: 1 })).backend.threads).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.TOPICKD_THREADS;
      else process.env.TOPICKD_THREADS = saved;
    }
  });
});
