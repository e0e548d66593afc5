/**
 * Well-known ports a developer meets on a workstation, shipped with Sockscope so the Ports view can
 * say "postgresql" next to 5432 without asking the OS (whose /etc/services differs per system and
 * is absent on Windows). Names follow the IANA registry where it has a familiar one, else the name
 * the software is known by (8080 http-alt, 6443 kubernetes-api).
 */
import type { PortProtocol } from '@shared/contract';

type Protocols = 'tcp' | 'udp' | 'both';

const table: readonly (readonly [port: number, name: string, protocols: Protocols])[] = [
  [20, 'ftp-data', 'tcp'],
  [21, 'ftp', 'tcp'],
  [22, 'ssh', 'tcp'],
  [23, 'telnet', 'tcp'],
  [25, 'smtp', 'tcp'],
  [53, 'dns', 'both'],
  [67, 'dhcp', 'udp'],
  [68, 'dhcp-client', 'udp'],
  [69, 'tftp', 'udp'],
  [80, 'http', 'tcp'],
  [88, 'kerberos', 'both'],
  [110, 'pop3', 'tcp'],
  [111, 'rpcbind', 'both'],
  [119, 'nntp', 'tcp'],
  [123, 'ntp', 'udp'],
  [135, 'msrpc', 'tcp'],
  [137, 'netbios-ns', 'udp'],
  [138, 'netbios-dgm', 'udp'],
  [139, 'netbios-ssn', 'tcp'],
  [143, 'imap', 'tcp'],
  [161, 'snmp', 'udp'],
  [162, 'snmp-trap', 'udp'],
  [179, 'bgp', 'tcp'],
  [389, 'ldap', 'both'],
  // 443/udp is HTTP/3 over QUIC.
  [443, 'https', 'both'],
  [445, 'smb', 'tcp'],
  [465, 'smtps', 'tcp'],
  [500, 'isakmp', 'udp'],
  [514, 'syslog', 'udp'],
  [515, 'printer', 'tcp'],
  [546, 'dhcpv6-client', 'udp'],
  [547, 'dhcpv6', 'udp'],
  [587, 'submission', 'tcp'],
  [631, 'ipp', 'tcp'],
  [636, 'ldaps', 'tcp'],
  [853, 'dns-over-tls', 'tcp'],
  [873, 'rsync', 'tcp'],
  [989, 'ftps-data', 'tcp'],
  [990, 'ftps', 'tcp'],
  [993, 'imaps', 'tcp'],
  [995, 'pop3s', 'tcp'],
  [1080, 'socks', 'tcp'],
  [1194, 'openvpn', 'both'],
  [1433, 'mssql', 'tcp'],
  [1434, 'mssql-monitor', 'udp'],
  [1521, 'oracle', 'tcp'],
  [1883, 'mqtt', 'tcp'],
  [1900, 'ssdp', 'udp'],
  [2049, 'nfs', 'both'],
  [2181, 'zookeeper', 'tcp'],
  [2375, 'docker', 'tcp'],
  [2376, 'docker-tls', 'tcp'],
  [2379, 'etcd', 'tcp'],
  [2380, 'etcd-peer', 'tcp'],
  [3306, 'mysql', 'tcp'],
  [3389, 'rdp', 'both'],
  [3478, 'stun', 'both'],
  [4222, 'nats', 'tcp'],
  [4369, 'epmd', 'tcp'],
  [4500, 'ipsec-nat-t', 'udp'],
  [5060, 'sip', 'both'],
  [5061, 'sips', 'tcp'],
  [5222, 'xmpp-client', 'tcp'],
  [5353, 'mdns', 'udp'],
  [5355, 'llmnr', 'both'],
  [5432, 'postgresql', 'tcp'],
  [5672, 'amqp', 'tcp'],
  [5683, 'coap', 'udp'],
  [5900, 'vnc', 'tcp'],
  [5984, 'couchdb', 'tcp'],
  [6000, 'x11', 'tcp'],
  [6379, 'redis', 'tcp'],
  [6443, 'kubernetes-api', 'tcp'],
  [8000, 'http-alt', 'tcp'],
  [8008, 'http-alt', 'tcp'],
  [8080, 'http-alt', 'tcp'],
  [8086, 'influxdb', 'tcp'],
  [8443, 'https-alt', 'tcp'],
  [8500, 'consul', 'tcp'],
  [9042, 'cassandra', 'tcp'],
  [9090, 'prometheus', 'tcp'],
  [9092, 'kafka', 'tcp'],
  [9200, 'elasticsearch', 'tcp'],
  [9418, 'git', 'tcp'],
  [11211, 'memcached', 'both'],
  [15672, 'rabbitmq-mgmt', 'tcp'],
  [27017, 'mongodb', 'tcp'],
  [51820, 'wireguard', 'udp'],
];

const byProtocol: Record<PortProtocol, ReadonlyMap<number, string>> = {
  tcp: new Map(table.filter(([, , p]) => p !== 'udp').map(([port, name]) => [port, name])),
  udp: new Map(table.filter(([, , p]) => p !== 'tcp').map(([port, name]) => [port, name])),
};

/** `serviceName('tcp', 5432)` → 'postgresql'; undefined for a port the table does not know. */
export function serviceName(protocol: PortProtocol, port: number): string | undefined {
  return byProtocol[protocol].get(port);
}

/**
 * The service a socket serves or talks to: its local port's (a server), else its peer's (a client
 * connected to 5432 is talking to postgresql).
 */
export function serviceOf(protocol: PortProtocol, localPort: number, remotePort: number | undefined): string | undefined {
  return serviceName(protocol, localPort) ?? (remotePort === undefined ? undefined : serviceName(protocol, remotePort));
}
