/**
 * Internal: HTTP plumbing shared by the token clients and the API clients (an answer read into
 * memory). Not API: it may change in any release.
 */
package io.github.springwithings.internal.http;

