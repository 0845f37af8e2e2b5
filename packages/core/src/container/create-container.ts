import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import { Backend } from '../contracts/backend.js';
import { TopicModelFactory } from '../contracts/topic-model.js';
import { CpuBackend } from '../backends/cpu-backend.js';
import { BUILTIN_MODEL_FACTORIES } from '../model/builtin-models.js';
import { validatePluginConfig, type PluginConfig } from './config.js';
import { Logger, PluginConfigToken, PluginRegistry } from './plugin-registry.js';

const consoleLogger: Logger = { warn: (m) => console.warn(`topickd: warning: ${m}`) };

/** Core's own bindings: the cpu backend and the two topic models. */
export const coreModule = new ContainerModule(({ bind }) => {
  bind(Backend).toConstantValue(new CpuBackend());
  for (const factory of BUILTIN_MODEL_FACTORIES) bind(TopicModelFactory).toConstantValue(factory);
  bind(PluginRegistry).toSelf().inSingletonScope();
});

export interface CreateContainerOptions {
  /** Plugin packages' ContainerModules (backend-wasm, encoders, losses, third parties). */
  modules?: ContainerModule[];
  logger?: Logger;
}

/**
 * Builds the DI container for a run: core's bindings, the given plugin modules, the
 * validated config. Every plugin name in the config is checked here, so a typo fails
 * before any work starts, with the list of registered names.
 */
export async function createContainer(config: PluginConfig = {}, options: CreateContainerOptions = {}): Promise<Container> {
  const cfg = validatePluginConfig(config, { allowUnknownKeys: true });
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(PluginConfigToken).toConstantValue(cfg);
  container.bind(Logger).toConstantValue(options.logger ?? consoleLogger);
  // loadAsync: a module whose callback returns a value (`({ bind }) => bind(X).toConstantValue(y)`,
  // the one-line form) or a promise loads too; load() would refuse both
  await container.loadAsync(coreModule, ...(options.modules ?? []));
  container.get(PluginRegistry).validateNames();
  return container;
}

/** Shortcut: a container's plugin registry. */
export function registryOf(container: Container): PluginRegistry {
  return container.get(PluginRegistry);
}
