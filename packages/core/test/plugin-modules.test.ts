/**
 * A plugin is a ContainerModule; how its callback is written must not matter: a block body, the
 * one-line expression form (`({ bind }) => bind(X).toConstantValue(y)`, whose callback returns the
 * binding syntax: a type error in TypeScript, but JavaScript plugins write it, and the plugin guide
 * once showed it) and an async callback all load. (With inversify's synchronous load() the
 * one-line form failed: "Unexpected asynchronous module load".)
 */
import { describe, it, expect } from 'vitest';
import { ContainerModule, DistillationLoss, createContainer, registryOf, tf, type ModelOutputs, type Tensor1D } from '@topickd/core';

class NamedLoss implements DistillationLoss {
  constructor(readonly name: string) {}
  compute(t: ModelOutputs, s: ModelOutputs): Tensor1D {
    return tf.sum(tf.square(tf.sub(s.theta, t.theta)), 1) as Tensor1D;
  }
}

describe('plugin modules', () => {
  it('block-bodied, expression-bodied and async module callbacks all register their bindings', async () => {
    const block = new ContainerModule(({ bind }) => {
      bind(DistillationLoss).toConstantValue(new NamedLoss('block'));
    });
    // @ts-expect-error the types ask for void; a JavaScript plugin may still return the binding syntax
    const expression = new ContainerModule(({ bind }) => bind(DistillationLoss).toConstantValue(new NamedLoss('expression')));
    const later = new ContainerModule(async ({ bind }) => {
      await new Promise((r) => setTimeout(r, 1));
      bind(DistillationLoss).toConstantValue(new NamedLoss('async'));
    });
    const c = await createContainer({ losses: ['block', 'expression', 'async'] }, { modules: [block, expression, later] });
    expect(registryOf(c).weightedLosses().map((l) => l.loss.name)).toEqual(['block', 'expression', 'async']);
  });
});
