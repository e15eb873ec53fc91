/**
 * Which client registrations are Withings ones.
 */
package io.github.springwithings.oauth2.client.registration;
