/** Splits `host:port` (`[::1]:5001` for IPv6) as used by LOGGER_RPC_ADDR and LOGGER_GRPC_ADDR. */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  return {
    host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host,
    port: Number(address.slice(at + 1)),
  };
}
