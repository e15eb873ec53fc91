/**
 * The authorized Withings client: stored, refreshed, removed and listed. The stores
 * ({@code InMemory}, {@code Jdbc} and {@code R2dbc} {@code WithingsAuthorizedClientService}), the
 * single-flight refresh that survives the rotation of Withings refresh tokens, the failure
 * handlers that remove a dead link only if it is still the one that failed, the facades
 * ({@code WithingsAuthorizedClients} and its reactive twin), linked users and the link events.
 * Servlet and reactive twins sit side by side, the reactive one named {@code WithingsReactive...}.
 */
package io.github.springwithings.oauth2.client;
