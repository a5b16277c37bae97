// Mitzvah on Azure Functions (Flex Consumption, .NET 10 isolated worker).
// Deploy into an existing resource group: see README.md beside this file.

@description('Azure region of every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short lowercase prefix of every resource name: letters and digits, starting with a letter.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'mitzvah'

@description('Twilio account SID (AC…). Stored in Key Vault.')
@secure()
@minLength(1)
param twilioAccountSid string

@description('Twilio auth token: authenticates REST calls and checks webhook signatures. Stored in Key Vault.')
@secure()
@minLength(1)
param twilioAuthToken string

@description('Token the web opt-in form must carry (e.g. openssl rand -hex 32). Stored in Key Vault.')
@secure()
@minLength(1)
param webhookToken string

@description('Token the manual send trigger (/api/send) must carry: at least 16 characters, not the webhook token. Stored in Key Vault.')
@secure()
@minLength(16)
param sendToken string

@description('E-mail address the alerts go to (failed sends, no daily run); empty for none (add receivers to the action group later).')
param operatorEmail string = ''

@description('The delivered-ratio alert fires when fewer than this percentage of the previous send date\'s accepted messages were reported delivered.')
@minValue(0)
@maxValue(100)
param deliveredPercentAlertThreshold int = 80

@description('The WhatsApp sender number in E.164, e.g. +14155550100.')
@minLength(2)
param twilioWhatsAppNumber string

@description('Content SID (HX…) of an approved WhatsApp template, sent to subscribers outside the 24-hour window and to resend a freeform message refused with 63016; empty sends free-form text to everyone.')
param whatsAppTemplateSid string = ''

@description('Content SID (HX…) of an approved template with a YES quick reply, sent to a number entered on the web opt-in page so its owner confirms; empty: owners confirm by writing JOIN MITZVAH.')
param whatsAppConfirmTemplateSid string = ''

@description('Minutes before WhatsApp\'s 24-hour window closes that a subscriber already gets the template.')
@minValue(0)
@maxValue(1439)
param windowMarginMinutes int = 60

@description('Web opt-ins accepted per client address per hour; beyond it the form answers 429.')
@minValue(1)
@maxValue(10000)
param webOptInsPerHour int = 5

@description('SMTP relay of Azure Communication Services Email.')
param smtpHost string = 'smtp.azurecommunication.net'

@description('SMTP port of the relay: 587 with STARTTLS.')
@minValue(1)
@maxValue(65535)
param smtpPort int = 587

@description('starttls (port 587) or tls (TLS from the first byte); the relay refuses unencrypted mail.')
@allowed([
  'starttls'
  'tls'
])
param smtpSecurity string = 'starttls'

@description('The Communication Services SMTP username (<resource>.<Entra application id>.<tenant id>, or the SMTP Username resource\'s name); empty leaves email off.')
param smtpUsername string = ''

@description('The client secret of the Entra application behind the SMTP username. Stored in Key Vault.')
@secure()
param smtpPassword string = ''

@description('The sender: a MailFrom address of the Communication Services email domain, e.g. Daily Mitzvah <DoNotReply@example.org>.')
param mailFrom string = ''

@description('Mails per second handed to the relay (a decimal number). The default 0.5 is the relay\'s initial quota of 30 a minute; it also allows only 100 an hour until Azure support raises it.')
param mailRatePerSecond string = '0.5'

@description('Secret that signs the confirmation and unsubscribe links in mails: at least 32 characters (e.g. openssl rand -hex 32). Stored in Key Vault.')
@secure()
param mailLinkSecret string = ''

@description('How many messages the daily run sends in parallel.')
@minValue(1)
@maxValue(32)
param sendConcurrency int = 4

@description('IANA time zone of subscribers whose number does not tell theirs, and of the operator\'s day.')
param timeZone string = 'America/Chicago'

@description('Local send time (HH:mm) of subscribers who chose none.')
param sendTime string = '10:00'

@description('NCRONTAB schedule of the send tick: every 15 minutes. Each subscriber\'s message goes out at the first tick from their own local send time.')
param tickSchedule string = '0 */15 * * * *'

@description('Upper bound of Flex Consumption instances: caps cost if the public consent endpoint is flooded.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each Flex Consumption instance.')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

var token = uniqueString(resourceGroup().id, namePrefix)
var prefix = toLower(namePrefix)
var functionAppName = '${prefix}-func-${token}'
var storageAccountName = take('${prefix}${token}', 24)
var keyVaultName = take('${prefix}-kv-${token}', 24)
var deploymentContainerName = 'app-package'
// The relay needs a login, so email is on exactly when an SMTP username is given.
var sendsMail = !empty(smtpUsername)
// The app's table store names its tables AZURE_TABLES_PREFIX + Subscribers / ConsentHistory / Deliveries. It
// creates missing tables itself; declaring them here keeps that off the first request after a deployment.
var tablePrefix = 'Mitzvah'
var tableNames = [
  'MitzvahSubscribers'
  'MitzvahConsentHistory'
  'MitzvahDeliveries'
]

// Built-in role definitions (ids are the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-log-${token}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${prefix}-appi-${token}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// Host storage (AzureWebJobsStorage), the deployment package container and the app's tables, all reached with the
// app's managed identity: shared keys are off.
resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource tables 'tables' = [
      for tableName in tableNames: {
        name: tableName
      }
    ]
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }

  resource twilioAccountSidSecret 'secrets' = {
    name: 'twilio-account-sid'
    properties: {
      value: twilioAccountSid
    }
  }

  resource twilioAuthTokenSecret 'secrets' = {
    name: 'twilio-auth-token'
    properties: {
      value: twilioAuthToken
    }
  }

  resource webhookTokenSecret 'secrets' = {
    name: 'webhook-token'
    properties: {
      value: webhookToken
    }
  }

  resource sendTokenSecret 'secrets' = {
    name: 'send-token'
    properties: {
      value: sendToken
    }
  }

  resource smtpPasswordSecret 'secrets' = if (sendsMail) {
    name: 'smtp-password'
    properties: {
      value: smtpPassword
    }
  }

  resource mailLinkSecretSecret 'secrets' = if (sendsMail) {
    name: 'mail-link-secret'
    properties: {
      value: mailLinkSecret
    }
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: '${prefix}-plan-${token}'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Code is deployed with Microsoft Entra ID (OIDC), so publishing with basic-auth credentials stays off.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// Host storage and the deployment container: blobs (function keys, timer schedule status, singleton leases, the
// deployment package). The app has no queue trigger, so it gets no queue role.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, functionApp.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

var consentUrl = 'https://${functionApp.properties.defaultHostName}/api/consent'

// App settings live in their own resource so that PUBLIC_CONSENT_URL can use the host name Azure assigned, and so
// that they are applied (restarting the app and resolving the Key Vault references) only once the roles exist.
resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    AZURE_TABLES_ENDPOINT: storage.properties.primaryEndpoints.table
    AZURE_TABLES_PREFIX: tablePrefix
    TWILIO_ACCOUNT_SID: '@Microsoft.KeyVault(SecretUri=${keyVault::twilioAccountSidSecret.properties.secretUri})'
    TWILIO_AUTH_TOKEN: '@Microsoft.KeyVault(SecretUri=${keyVault::twilioAuthTokenSecret.properties.secretUri})'
    WEBHOOK_TOKEN: '@Microsoft.KeyVault(SecretUri=${keyVault::webhookTokenSecret.properties.secretUri})'
    SEND_TOKEN: '@Microsoft.KeyVault(SecretUri=${keyVault::sendTokenSecret.properties.secretUri})'
    TWILIO_WHATSAPP_NUMBER: twilioWhatsAppNumber
    // Empty means none: the app then sends free-form text.
    WHATSAPP_TEMPLATE_SID: whatsAppTemplateSid
    WHATSAPP_CONFIRM_TEMPLATE_SID: whatsAppConfirmTemplateSid
    MITZVAH_WINDOW_MARGIN_MINUTES: string(windowMarginMinutes)
    MITZVAH_WEB_OPTINS_PER_HOUR: string(webOptInsPerHour)
    PUBLIC_CONSENT_URL: consentUrl
    DAILY_MITZVAH_SCHEDULE: tickSchedule
    MITZVAH_TIME_ZONE: timeZone
    MITZVAH_SEND_TIME: sendTime
    MITZVAH_SEND_CONCURRENCY: string(sendConcurrency)
    // Without an SMTP username these are empty, which the app reads as unset: no mail is sent.
    SMTP_HOST: sendsMail ? smtpHost : ''
    SMTP_PORT: string(smtpPort)
    SMTP_SECURITY: smtpSecurity
    SMTP_USERNAME: smtpUsername
    SMTP_PASSWORD: sendsMail ? '@Microsoft.KeyVault(SecretUri=${keyVault::smtpPasswordSecret!.properties.secretUri})' : ''
    MAIL_FROM: mailFrom
    MAIL_RATE_PER_SECOND: mailRatePerSecond
    MAIL_LINK_SECRET: sendsMail ? '@Microsoft.KeyVault(SecretUri=${keyVault::mailLinkSecretSecret!.properties.secretUri})' : ''
  }
  dependsOn: [
    blobDataOwner
    tableDataContributor
    keyVaultSecretsUser
  ]
}

// ---------------------------------------------------------------- operator alerts
// After every timer run the app sends the run's summary to Application Insights as custom metrics: one customMetrics
// row per name and run (valueSum is the run's number, customDimensions.StudyDate its date). Heartbeat is 1 for every
// scheduled run, rest days and runs before the send hour included; manual sends publish no metrics.

resource operatorActionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${prefix}-ops-${token}'
  location: 'global'
  properties: {
    groupShortName: take('${prefix}ops', 12)
    enabled: true
    emailReceivers: empty(operatorEmail) ? [] : [
      {
        name: 'operator'
        emailAddress: operatorEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource failedSendsAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${prefix}-failed-sends-${token}'
  location: location
  properties: {
    displayName: 'Mitzvah: the daily run could not serve some recipients'
    description: 'A daily run reported Failed > 0 (recipients it could not serve); see the run\'s traces in Application Insights.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "Failed" and valueSum > 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        operatorActionGroup.id
      ]
    }
  }
}

// Every scheduled run beats (rest days too); no heartbeat in 26 hours means the timer did not fire, the app does not
// start, every run died, or the metrics stopped reaching Application Insights.
resource noDailyRunAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${prefix}-no-daily-run-${token}'
  location: location
  properties: {
    displayName: 'Mitzvah: no daily run in 26 hours'
    description: 'No Heartbeat metric in 26 hours: the timer is not firing, the app does not start, or every run died.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    // A log alert's window is at most two days; the query itself looks back 26 hours.
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "Heartbeat" and valueSum > 0 and timestamp > ago(26h)'
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        operatorActionGroup.id
      ]
    }
  }
}

// Each run also publishes the previous send date's delivery as the ledger holds it: PreviousDeliveredPercent is the
// share of its accepted messages that WhatsApp reported delivered (absent when nothing was accepted).
resource deliveredRatioAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${prefix}-delivered-ratio-${token}'
  location: location
  properties: {
    displayName: 'Mitzvah: too few of yesterday\'s messages were delivered'
    description: 'PreviousDeliveredPercent under ${deliveredPercentAlertThreshold}: see GET /api/report for the error codes (63016: outside the 24-hour window without a template; 63049: Meta did not deliver a marketing template).'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "PreviousDeliveredPercent" and valueMin < ${deliveredPercentAlertThreshold}'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        operatorActionGroup.id
      ]
    }
  }
}

// A run that hit the sender's messaging limit (63018) stopped and left the rest for the next run.
resource messagingLimitAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${prefix}-messaging-limit-${token}'
  location: location
  properties: {
    displayName: 'Mitzvah: WhatsApp messaging limit reached'
    description: 'A daily run stopped at the sender\'s messaging limit (63018); the rest wait for the next run. Raise the limit tier in Meta\'s WhatsApp Manager.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "MessagingLimitStops" and valueSum > 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        operatorActionGroup.id
      ]
    }
  }
}

@description('Name of the function app (the target of the code deployment).')
output functionAppName string = functionApp.name

@description('Twilio\'s "A message comes in" webhook and the opt-in page\'s endpoint.')
output consentUrl string = consentUrl

@description('The manual send trigger; add ?code=<function key> and send the SEND_TOKEN (see README.md).')
output sendNowBaseUrl string = 'https://${functionApp.properties.defaultHostName}/api/send'

@description('Storage account holding host storage, the deployment package and the tables.')
output storageAccountName string = storage.name

@description('Key Vault holding the Twilio credentials and the webhook token.')
output keyVaultName string = keyVault.name
