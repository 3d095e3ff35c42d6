// The channel connectors an engine knows (built in, and plugins' through `providers.channelConnector`),
// and which channel uses which (connectChannel).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { badInput, notFound } from '../kernel/errors.js';
import { Channel } from '../channels/channel.entity.js';
import type { ChannelConnector, ConnectorContext } from './connector.js';
import { ChannelConnection } from './channel-connection.entity.js';
import { simMarketplace } from './connectors/sim-marketplace.js';
import { fileConnector } from './connectors/file.js';

export class ConnectorService {
  private connectors = new Map<string, ChannelConnector>();

  constructor(private readonly app: AppRuntime) {
    this.register(simMarketplace);
    this.register(fileConnector);
  }

  register(connector: ChannelConnector): void {
    this.connectors.set(connector.code, connector);
  }

  connector(code: string): ChannelConnector | null {
    return this.connectors.get(code) ?? null;
  }

  codes(): string[] {
    return [...this.connectors.keys()].sort();
  }

  /** Connects a channel (or changes its connector or settings); the cursor starts over when the connector changes. */
  async connect(em: Em, channelCode: string, code: string, config: Record<string, unknown>, stock: { stockBuffer?: number | null; stockSharePercent?: number | null } = {}): Promise<ChannelConnection> {
    const connector = this.connector(code);
    if (!connector) throw badInput(`There is no channel connector "${code}": use one of ${this.codes().join(', ')}.`, 'connector');
    connector.checkConfig?.(config);
    const stockBuffer = stock.stockBuffer ?? 0;
    const stockSharePercent = stock.stockSharePercent ?? 100;
    if (!Number.isInteger(stockBuffer) || stockBuffer < 0 || stockBuffer > 1_000_000) throw badInput('stockBuffer is 0 to 1,000,000 units.', 'stockBuffer');
    if (!Number.isInteger(stockSharePercent) || stockSharePercent < 1 || stockSharePercent > 100) throw badInput('stockSharePercent is 1 to 100.', 'stockSharePercent');
    const channel = await em.findOne(Channel, { code: channelCode });
    if (!channel) throw notFound(`Channel "${channelCode}"`);
    let c = await em.findOne(ChannelConnection, { channel });
    if (!c) c = em.create(ChannelConnection, { channel, connector: code, config, stockBuffer, stockSharePercent });
    else {
      if (c.connector !== code) c.cursor = null;
      Object.assign(c, { connector: code, config, failures: 0, nextAttemptAt: null, lastError: null, stockBuffer, stockSharePercent });
    }
    await em.persistAndFlush(c);
    return c;
  }

  /** The channel's connection with its connector, when it has one that is still installed. */
  async connectionOf(em: Em, channelId: string): Promise<{ connection: ChannelConnection; connector: ChannelConnector; ctx: ConnectorContext } | null> {
    const connection = await em.findOne(ChannelConnection, { channel: channelId }, { populate: ['channel'] });
    const connector = connection ? this.connector(connection.connector) : null;
    if (!connection || !connector) return null;
    return { connection, connector, ctx: { channelCode: connection.channel.code, config: connection.config, log: this.app.log.child({ channel: connection.channel.code, connector: connector.code }) } };
  }
}
