/**
 * Application events about users' links to Withings: linked, disconnected, lost.
 */
package io.github.springwithings.oauth2.client.event;
