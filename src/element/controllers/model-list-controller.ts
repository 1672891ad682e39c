/**
 * The models the server offers (`GET {endpoint}/models`, through the worker):
 * they fill the model picker, and the first one is the model of a request
 * when the `model` attribute is empty. This is the only place that choice is
 * made: the worker sends the model it is given.
 */
import type { ReactiveControllerHost } from 'lit';
import type * as Comlink from 'comlink';
import { chatError } from '../../shared/errors.js';
import type { ChatError, WorkerApi } from '../../shared/protocol.js';

export class ModelListController {
  /** Ids as the server listed them; `[]` until known or when listing failed. */
  models: string[] = [];
  #for = '';

  /** `host` re-renders when the list changes; no lifecycle of its own. */
  constructor(private readonly host: ReactiveControllerHost) {}


  /** Lists the models of `endpoint` unless already listed for it and this key. Failure only hides the picker. */
  async refresh(worker: Comlink.Remote<WorkerApi>, endpoint: string, apiKey: string): Promise<void> {
    const key = `${endpoint}\n${apiKey}`;
    if (key === this.#for) return;
    this.#for = key;
    let models: string[] = [];
    try {
      const list = await worker.listModels(endpoint, apiKey);
      if (list.ok) models = list.models;
    } catch {
      // The reply's own request will say why the server cannot be used.
    }
    if (key !== this.#for) return;
    this.models = models;
    this.host.requestUpdate();
  }

  /** `model` when set, else the server's first model (listing it now if needed), or why there is none. */
  async resolve(worker: Comlink.Remote<WorkerApi>, endpoint: string, apiKey: string, model: string): Promise<string | ChatError> {
    if (model) return model;
    if (this.models[0] && this.#for === `${endpoint}\n${apiKey}`) return this.models[0];
    const list = await worker.listModels(endpoint, apiKey);
    if (!list.ok) return list.error;
    this.#for = `${endpoint}\n${apiKey}`;
    this.models = list.models;
    this.host.requestUpdate();
    return list.models[0] ?? chatError('noModels', {});
  }
}
