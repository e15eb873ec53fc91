/**
 * The WebFlux twins of {@code io.github.springwithings.oauth2.client.web}.
 */
package io.github.springwithings.oauth2.client.web.server;
