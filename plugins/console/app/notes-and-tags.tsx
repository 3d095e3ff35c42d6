// Staff's notes and tags on an order (tagOrder, untagOrder, addOrderNote).
import { useState } from 'preact/hooks';
import { useMutation } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatTime } from './money';

const NOTE = graphql(`mutation ConsoleNote($id: ID!, $text: String!) { addOrderNote(orderId: $id, text: $text) { id } }`);
const TAG = graphql(`mutation ConsoleTag($id: ID!, $tags: [String!]!) { tagOrder(orderId: $id, tags: $tags) { id tags } }`);
const UNTAG = graphql(`mutation ConsoleUntag($id: ID!, $tags: [String!]!) { untagOrder(orderId: $id, tags: $tags) { id tags } }`);

export function NotesAndTags({ orderId, tags, notes, staff }: { orderId: string; tags: string[]; notes: { at: string; message: string; actor: string }[]; staff: boolean }) {
  const [note, setNote] = useState('');
  const [tag, setTag] = useState('');
  const [noted, addNote] = useMutation(NOTE);
  const [tagged, addTag] = useMutation(TAG);
  const [untagged, removeTag] = useMutation(UNTAG);
  const error = problem(noted.error ?? tagged.error ?? untagged.error);
  return (
    <section aria-labelledby="notes-h">
      <h2 id="notes-h">Notes and tags</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <ul class="tags" aria-label="Tags">
        {tags.map((t) => <li>{t} {staff && <button type="button" aria-label={`Remove tag ${t}`} onClick={() => removeTag({ id: orderId, tags: [t] })}>×</button>}</li>)}
      </ul>
      {staff && (
        <form onSubmit={async (e) => { e.preventDefault(); if ((await addTag({ id: orderId, tags: [tag] })).data) setTag(''); }}>
          <label>New tag <input value={tag} onInput={(e) => setTag(e.currentTarget.value)} required /></label>
          <button type="submit">Add tag</button>
        </form>
      )}
      <ul class="notes">{notes.map((n) => <li><time dateTime={n.at}>{formatTime(n.at)}</time> {n.message} <span class="actor">— {n.actor}</span></li>)}</ul>
      {staff && (
        <form onSubmit={async (e) => { e.preventDefault(); if ((await addNote({ id: orderId, text: note })).data) setNote(''); }}>
          <label>Note <textarea value={note} onInput={(e) => setNote(e.currentTarget.value)} required rows={2} /></label>
          <button type="submit">Add note</button>
        </form>
      )}
    </section>
  );
}
