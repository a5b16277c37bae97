// Parameters of main.bicep. Secrets come from the environment (GitHub secrets in the deploy workflow, your shell
// locally), so they never sit in a file or on a command line.
using 'main.bicep'

param namePrefix = readEnvironmentVariable('MITZVAH_NAME_PREFIX', 'mitzvah')

param twilioAccountSid = readEnvironmentVariable('TWILIO_ACCOUNT_SID')
param twilioAuthToken = readEnvironmentVariable('TWILIO_AUTH_TOKEN')
param webhookToken = readEnvironmentVariable('WEBHOOK_TOKEN')
param sendToken = readEnvironmentVariable('SEND_TOKEN')
param operatorEmail = readEnvironmentVariable('OPERATOR_EMAIL', '')

param twilioWhatsAppNumber = readEnvironmentVariable('TWILIO_WHATSAPP_NUMBER')
param whatsAppTemplateSid = readEnvironmentVariable('WHATSAPP_TEMPLATE_SID', '')

// Email through the Communication Services SMTP relay: off while SMTP_USERNAME is empty.
param smtpUsername = readEnvironmentVariable('SMTP_USERNAME', '')
param smtpPassword = readEnvironmentVariable('SMTP_PASSWORD', '')
param mailFrom = readEnvironmentVariable('MAIL_FROM', '')
// An empty variable (an unset GitHub secret) keeps the template's default.
var mailRate = readEnvironmentVariable('MAIL_RATE_PER_SECOND', '')
param mailRatePerSecond = empty(mailRate) ? '0.5' : mailRate
param mailLinkSecret = readEnvironmentVariable('MAIL_LINK_SECRET', '')

param sendConcurrency = int(readEnvironmentVariable('MITZVAH_SEND_CONCURRENCY', '4'))
param timeZone = 'America/Chicago'
param tickSchedule = '0 */15 * * * *'
