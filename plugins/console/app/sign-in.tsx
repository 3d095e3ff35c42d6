// Sign-in: a staff member's email and password (staffLogin), or an API key as a fallback.
import { useState } from 'preact/hooks';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { graphql } from './gql';
import { problem } from './api';
import type { Session } from './session';

const STAFF_LOGIN = graphql(`
  mutation ConsoleStaffLogin($email: String!, $password: String!) {
    staffLogin(email: $email, password: $password) { token staffMember { name email roles channelCodes } }
  }
`);

const KEY_CHECK = graphql(`
  query ConsoleKeyCheck { orders(first: 0) { totalCount } }
`);

const anonymous = new Client({ url: '/graphql', exchanges: [cacheExchange, fetchExchange], requestPolicy: 'network-only', preferGetMethod: false });

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function staff(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    const r = await anonymous.mutation(STAFF_LOGIN, { email: String(form.get('email')), password: String(form.get('password')) }).toPromise();
    setBusy(false);
    const login = r.data?.staffLogin;
    if (!login) return setError(problem(r.error) ?? 'Sign-in failed.');
    onSignedIn({ token: login.token, name: login.staffMember.name || login.staffMember.email, roles: login.staffMember.roles, channelCodes: login.staffMember.channelCodes });
  }

  async function key(e: Event) {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget as HTMLFormElement).get('apiKey')).trim();
    setBusy(true);
    const r = await anonymous.query(KEY_CHECK, {}, { fetchOptions: { headers: { authorization: `Bearer ${token}` } } }).toPromise();
    setBusy(false);
    if (r.error) return setError(problem(r.error));
    onSignedIn({ token, name: 'API key', roles: null, channelCodes: [] });
  }

  return (
    <main class="sign-in">
      <h1>Ordo console</h1>
      <form onSubmit={staff} aria-label="Staff sign-in">
        <label>Email <input name="email" type="email" autoComplete="username" required /></label>
        <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <details>
        <summary>Sign in with an API key</summary>
        <form onSubmit={key} aria-label="API key sign-in">
          <label>API key <input name="apiKey" type="password" autoComplete="off" required /></label>
          <button type="submit" disabled={busy}>Use key</button>
        </form>
      </details>
      {error && <p role="alert" class="error">{error}</p>}
    </main>
  );
}
