/**
 * The keep-alive: refreshes the links of users who have not used the application for a while,
 * before their refresh token ages out, one registration at a time, within the rate budget, with a
 * sweep log ({@code InMemory}, {@code Jdbc} or {@code R2dbc} {@code WithingsSweepLog}) so that one
 * instance of a cluster sweeps at a time.
 */
package io.github.springwithings.oauth2.client.keepalive;
