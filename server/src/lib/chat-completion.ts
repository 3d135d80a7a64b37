import { z } from 'zod';

/** Any OpenAI-compatible chat endpoint: a hosted provider or a local model server. */
export interface ChatEndpoint {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs?: number;
}

const answer = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });

/** Asks for a JSON answer and parses it with `schema`; throws on any HTTP, timeout or shape problem. */
export async function askForJson<T>(endpoint: ChatEndpoint, system: string, prompt: string, schema: z.ZodType<T>, temperature: number): Promise<T> {
  const response = await fetch(`${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}) },
    body: JSON.stringify({ model: endpoint.model, temperature, messages: [{ role: 'system', content: system }, { role: 'user', content: prompt }] }),
    signal: AbortSignal.timeout(endpoint.timeoutMs ?? 20_000),
  });
  if (!response.ok) throw new Error(`LLM endpoint answered ${response.status}`);
  const content = answer.parse(await response.json()).choices[0]!.message.content;
  const json = content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1);
  return schema.parse(JSON.parse(json));
}
