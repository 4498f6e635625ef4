package io.cleave.transport;

import java.util.Optional;

/**
 * Decides which peers may call which components of a server, from the identity their
 * certificate names (see {@link RpcServer.Builder#tls(Credentials, Authorizer)}). Asked once per
 * connection and component; a call refused is answered with a REJECT naming caller, component and
 * method, never run, and logged.
 */
@FunctionalInterface
public interface Authorizer {

    /**
     * @param caller the peer, as its certificate names it (of this server's application: peers of
     *     other applications are refused when they connect)
     * @param component the component it calls
     * @return empty to allow the call; else why it is refused, such as
     *     {@code "only Cart and Checkout, whose constructors ask for Inventory, and the supervisor may call it"}
     */
    Optional<String> refusal(Identity caller, String component);
}
