// Failed jobs (they used every attempt) and a retry for each: what operations staff watch.
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatTime } from './money';

const FAILED = graphql(`query ConsoleFailedJobs { failedJobs { id queue name attempts error failedAt } }`);
const RETRY = graphql(`mutation ConsoleRetryJob($id: String!, $queue: String!) { retryJob(id: $id, queue: $queue) }`);

export function JobsPage() {
  const [jobs, refetch] = useQuery({ query: FAILED });
  const [retried, retry] = useMutation(RETRY);
  const error = problem(jobs.error ?? retried.error);
  const list = jobs.data?.failedJobs ?? [];
  return (
    <main>
      <h1>Failed jobs</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>Refresh</button>
      {!list.length && !jobs.fetching && <p>No failed jobs.</p>}
      <table>
        <thead><tr><th scope="col">Job</th><th scope="col">Queue</th><th scope="col" class="num">Attempts</th><th scope="col">Failed</th><th scope="col">Error</th><th scope="col"><span class="sr-only">Retry</span></th></tr></thead>
        <tbody>{list.map((j) => (
          <tr>
            <td>{j.name}</td><td>{j.queue}</td><td class="num">{j.attempts}</td><td>{formatTime(j.failedAt)}</td><td class="error">{j.error}</td>
            <td><button type="button" aria-label={`Retry ${j.name} ${j.id}`} onClick={async () => { await retry({ id: j.id, queue: j.queue }); refetch({ requestPolicy: 'network-only' }); }}>Retry</button></td>
          </tr>
        ))}</tbody>
      </table>
    </main>
  );
}
