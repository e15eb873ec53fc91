/**
 * The user services that make a Withings user a principal: Withings has no user-info endpoint, so
 * the user is built from the {@code userid} of the token answer.
 */
package io.github.springwithings.oauth2.client.userinfo;
