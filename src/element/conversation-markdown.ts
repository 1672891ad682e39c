/**
 * The branch on screen as Markdown: one `## System` / `## User` /
 * `## Assistant` / `## Tool` section per message, the text verbatim, the
 * attachments listed by name, reasoning left out.
 *
 * A text is Markdown of its own and could end a section early: a code fence
 * left open (a reply stopped mid-block) would swallow every later heading,
 * and a line that reads like one of our headings would start a section
 * that is not one. Such a text is put, still verbatim, inside a fence longer
 * than any backtick run in it, which nothing inside can close (CommonMark
 * 0.31, 4.5: the closing fence must be at least as long as the opening
 * one). Every other text stands as it is, so its own code blocks render.
 */
import type { ChatMessage } from '../shared/chat-message.js';

const headings: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool' };

/** A line that opens or closes a fence: up to three spaces, then three or more backticks or tildes (CommonMark 4.5). */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const OUR_HEADING = /^ {0,3}##[ \t]+(System|User|Assistant|Tool)[ \t]*#*[ \t]*$/i;

/** Whether `text` leaves a fence open at its end or has a line outside fences that reads as one of our headings. O(text). */
function couldEndSection(text: string): boolean {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const fence = FENCE.exec(line.replace(/\r$/, ''));
    if (open) {
      // A closing fence: the same character, at least as long, nothing after it but spaces.
      if (fence && fence[1]![0] === open[0] && fence[1]!.length >= open.length && fence[2]!.trim() === '') open = undefined;
    } else if (fence && !(fence[1]![0] === '`' && fence[2]!.includes('`'))) open = fence[1];
    else if (OUR_HEADING.test(line)) return true;
  }
  return open !== undefined;
}

/** `text` inside a fence that no line of it can close. */
function quote(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map(run => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}markdown\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}

export function conversationMarkdown(messages: readonly ChatMessage[]): string {
  const sections = messages.map(message => {
    const heading = headings[message.role] ?? message.role;
    const parts = [`## ${heading}`];
    if (message.content) parts.push(couldEndSection(message.content) ? quote(message.content) : message.content);
    const names = (message as { attachments?: readonly { name: string }[] }).attachments?.map(a => String(a.name).replace(/[\r\n]+/g, ' ')) ?? [];
    if (names.length) parts.push(`Attachments:\n\n${names.map(name => `- ${name}`).join('\n')}`);
    return parts.join('\n\n');
  });
  return sections.length ? `${sections.join('\n\n')}\n` : '';
}
