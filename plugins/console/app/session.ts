// Who is signed in: a staff session's token (staffLogin) with the member's roles and channels, or an API
// key (roles unknown to the page: the engine still refuses what the key may not do). Kept for the tab only.
export interface Session {
  token: string;
  name: string;
  /** null for an API key: actions are offered and the engine answers FORBIDDEN where it must. */
  roles: string[] | null;
  channelCodes: string[];
}

const KEY = 'ordo-console-session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

/** Whether to offer what needs `role`: a superadmin may do everything. */
export function can(s: Session, role: string): boolean {
  return !s.roles || s.roles.includes('superadmin') || s.roles.includes(role);
}
