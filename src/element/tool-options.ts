/**
 * The `tools` and `tool_choice` of a request, from the element's `tools`
 * property and `tool-choice` attribute.
 *
 * `tool-choice` is `auto`, `none` or `required` (sent as that string), or
 * JSON for the object form (`{"type":"function","function":{"name":"f"}}`,
 * sent parsed). Anything else (JSON that does not parse, another word) is
 * left out of the request with a console warning, so the server applies its
 * default (`auto` when tools are sent) instead of rejecting every request.
 * `tools` is copied as JSON: only data crosses to the worker, and a value
 * that is not JSON (a function, a cycle) leaves tools out, with a warning.
 */
import type { ChatRequest } from '../shared/protocol.js';

const WORDS = new Set(['auto', 'none', 'required']);

export function toolOptions(tools: unknown, toolChoice: string | undefined): Pick<ChatRequest, 'tools' | 'toolChoice'> {
  if (!Array.isArray(tools) || tools.length === 0) return {};
  let copy: unknown[];
  try {
    copy = JSON.parse(JSON.stringify(tools)) as unknown[];
  } catch (error) {
    console.warn('<vllm-chat>: `tools` is not JSON data and is not sent.', error);
    return {};
  }
  const choice = toolChoice?.trim() ?? '';
  if (!choice) return { tools: copy };
  if (WORDS.has(choice)) return { tools: copy, toolChoice: choice };
  try {
    const parsed: unknown = JSON.parse(choice);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { tools: copy, toolChoice: parsed as Record<string, unknown> };
    }
  } catch {
    // Reported below.
  }
  console.warn(`<vllm-chat>: tool-choice="${choice}" is not auto, none, required or a JSON object; it is not sent.`);
  return { tools: copy };
}
