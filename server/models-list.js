// `GET /v1/models` as vLLM's OpenAIServingModels.show_available_models builds
// it: one ModelCard per served name, each with one ModelPermission, dumped
// with every field (Starlette JSONResponse, compact).
import { randomBytes } from 'node:crypto';

/**
 * @param {string[]} models  served model names
 * @param {number} maxModelLen
 * @param {number} created  Unix seconds the server started
 */
export function modelsList(models, maxModelLen, created) {
  return {
    object: 'list',
    data: models.map(id => ({
      id,
      object: 'model',
      created,
      owned_by: 'vllm',
      root: id,
      parent: null,
      max_model_len: maxModelLen,
      permission: [
        {
          id: `modelperm-${randomBytes(16).toString('hex')}`,
          object: 'model_permission',
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  };
}
