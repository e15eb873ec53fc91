/**
 * Servlet filters and customizers of the authorization request (Withings' {@code state} and
 * comma-separated scopes) and the answer to Withings' {@code HEAD} probe of the redirect URI.
 */
package io.github.springwithings.oauth2.client.web;
