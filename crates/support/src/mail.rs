//! E-mails: what each message says, in German and English, and how it leaves: SMTP through
//! lettre, or (in development and tests) a transport that records the messages.

use kernel::Language;
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::model::{NoticeAction, NoticeTarget};

/// A message the marketplace sends, with what it needs to say.
#[derive(Debug, Clone, PartialEq)]
pub enum Mail {
    /// To each member of the vendor that sells the product.
    QuestionReceived { product: String, question: String },
    /// To the asker.
    QuestionAnswered {
        product: String,
        vendor: String,
        question: String,
        answer: String,
    },
    /// To the asker.
    QuestionRejected {
        product: String,
        vendor: String,
        question: String,
        reason: String,
    },
    /// To the notifier, at once.
    NoticeReceived {
        notice_id: String,
        target: NoticeTarget,
    },
    /// To the notifier.
    NoticeDecided {
        notice_id: String,
        action: NoticeAction,
        statement: String,
    },
    /// To whoever posted content an operator hid or removed.
    ContentRestricted {
        target: NoticeTarget,
        content: String,
        action: NoticeAction,
        statement: String,
    },
}

impl Mail {
    /// A stable name, recorded with each delivery.
    pub fn template(&self) -> &'static str {
        match self {
            Mail::QuestionReceived { .. } => "question_received",
            Mail::QuestionAnswered { .. } => "question_answered",
            Mail::QuestionRejected { .. } => "question_rejected",
            Mail::NoticeReceived { .. } => "notice_received",
            Mail::NoticeDecided { .. } => "notice_decided",
            Mail::ContentRestricted { .. } => "content_restricted",
        }
    }

    /// Subject and plain-text body in `language`.
    pub fn render(&self, language: Language) -> (String, String) {
        let de = language == Language::De;
        match self {
            Mail::QuestionReceived { product, question } => {
                if de {
                    (
                        format!("Neue Kundenfrage zu „{product}“"),
                        format!(
                            "Eine Kundin oder ein Kunde hat eine Frage zu Ihrem Produkt „{product}“:\n\n\
                             {question}\n\n\
                             Beantworten Sie sie in Ihrem Posteingang für Fragen. Veröffentlichte \
                             Antworten sehen alle Kundinnen und Kunden auf der Produktseite.\n"
                        ),
                    )
                } else {
                    (
                        format!("New customer question about “{product}”"),
                        format!(
                            "A customer asked a question about your product “{product}”:\n\n\
                             {question}\n\n\
                             Answer it in your questions inbox. Published answers show to every \
                             customer on the product page.\n"
                        ),
                    )
                }
            }
            Mail::QuestionAnswered {
                product,
                vendor,
                question,
                answer,
            } => {
                if de {
                    (
                        format!("{vendor} hat Ihre Frage zu „{product}“ beantwortet"),
                        format!("Ihre Frage:\n{question}\n\nAntwort von {vendor}:\n{answer}\n"),
                    )
                } else {
                    (
                        format!("{vendor} answered your question about “{product}”"),
                        format!("Your question:\n{question}\n\nAnswer from {vendor}:\n{answer}\n"),
                    )
                }
            }
            Mail::QuestionRejected {
                product,
                vendor,
                question,
                reason,
            } => {
                if de {
                    (
                        format!("Ihre Frage zu „{product}“ wurde abgelehnt"),
                        format!(
                            "{vendor} hat Ihre Frage abgelehnt:\n{question}\n\nBegründung:\n{reason}\n"
                        ),
                    )
                } else {
                    (
                        format!("Your question about “{product}” was declined"),
                        format!(
                            "{vendor} declined your question:\n{question}\n\nReason:\n{reason}\n"
                        ),
                    )
                }
            }
            Mail::NoticeReceived { notice_id, target } => {
                if de {
                    (
                        format!("Eingangsbestätigung Ihrer Meldung {notice_id}"),
                        format!(
                            "Wir haben Ihre Meldung zu {} erhalten (Nummer {notice_id}). Wir prüfen \
                             sie sorgfältig und teilen Ihnen unsere Entscheidung mit Begründung mit \
                             (Art. 16 DSA).\n",
                            target_de(*target)
                        ),
                    )
                } else {
                    (
                        format!("We received your notice {notice_id}"),
                        format!(
                            "We received your notice about {} (number {notice_id}). We will review \
                             it diligently and tell you our decision and its reasons (DSA Art. 16).\n",
                            target_en(*target)
                        ),
                    )
                }
            }
            Mail::NoticeDecided {
                notice_id,
                action,
                statement,
            } => {
                if de {
                    (
                        format!("Entscheidung zu Ihrer Meldung {notice_id}"),
                        format!(
                            "Wir haben über Ihre Meldung {notice_id} entschieden: {}.\n\nBegründung:\n{statement}\n",
                            action_de(*action)
                        ),
                    )
                } else {
                    (
                        format!("Decision on your notice {notice_id}"),
                        format!(
                            "We decided on your notice {notice_id}: {}.\n\nStatement of reasons:\n{statement}\n",
                            action_en(*action)
                        ),
                    )
                }
            }
            Mail::ContentRestricted {
                target,
                content,
                action,
                statement,
            } => {
                if de {
                    (
                        format!("Ihre Inhalte: {}", action_de(*action)),
                        format!(
                            "Nach einer Meldung haben wir {} eingeschränkt: {}.\n\n{content}\n\n\
                             Begründung (Art. 17 DSA):\n{statement}\n\n\
                             Sie können dieser Entscheidung über unser internes \
                             Beschwerdemanagement widersprechen.\n",
                            target_de(*target),
                            action_de(*action)
                        ),
                    )
                } else {
                    (
                        format!("Your content: {}", action_en(*action)),
                        format!(
                            "After a notice we restricted {}: {}.\n\n{content}\n\n\
                             Statement of reasons (DSA Art. 17):\n{statement}\n\n\
                             You can contest this decision through our internal complaint handling.\n",
                            target_en(*target),
                            action_en(*action)
                        ),
                    )
                }
            }
        }
    }
}

fn target_de(target: NoticeTarget) -> &'static str {
    match target {
        NoticeTarget::Question => "eine Frage",
        NoticeTarget::Answer => "eine Antwort",
        NoticeTarget::Product => "ein Produktangebot",
    }
}

fn target_en(target: NoticeTarget) -> &'static str {
    match target {
        NoticeTarget::Question => "a question",
        NoticeTarget::Answer => "an answer",
        NoticeTarget::Product => "a product listing",
    }
}

fn action_de(action: NoticeAction) -> &'static str {
    match action {
        NoticeAction::Keep => "der Inhalt bleibt bestehen",
        NoticeAction::Hide => "der Inhalt ist nicht mehr öffentlich sichtbar",
        NoticeAction::Remove => "der Inhalt wurde entfernt",
    }
}

fn action_en(action: NoticeAction) -> &'static str {
    match action {
        NoticeAction::Keep => "the content stays",
        NoticeAction::Hide => "the content is no longer public",
        NoticeAction::Remove => "the content was removed",
    }
}

/// A message as the recording transport kept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The messages "sent" through the recording transport, for tests and development.
#[derive(Debug, Clone, Default)]
pub struct MailRecorder(Arc<Mutex<Vec<RecordedMail>>>);

impl MailRecorder {
    pub fn messages(&self) -> Vec<RecordedMail> {
        self.0
            .lock()
            .map(|messages| messages.clone())
            .unwrap_or_default()
    }

    /// The messages sent to `address`.
    pub fn to(&self, address: &str) -> Vec<RecordedMail> {
        self.messages()
            .into_iter()
            .filter(|mail| mail.to.eq_ignore_ascii_case(address))
            .collect()
    }

    fn record(&self, mail: RecordedMail) {
        if let Ok(mut messages) = self.0.lock() {
            messages.push(mail);
        }
    }
}

/// Why a message did not leave.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth retrying (connection refused, timeout, 4xx from the server).
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help (invalid address, 5xx from the server).
    #[error("{0}")]
    Permanent(String),
}

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Recording(MailRecorder),
}

/// Sends the marketplace's e-mails from one sender address.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl Mailer {
    /// SMTP from a URL such as `smtps://user:password@mail.example.de` or
    /// `smtp://mailpit:1025` (lettre's URL format).
    pub fn smtp(from: &str, url: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| format!("invalid SMTP URL: {error}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer {
            from: parse_sender(from)?,
            transport: Transport::Smtp(transport),
        })
    }

    /// Keeps every message in memory instead of sending it.
    pub fn recording(from: &str, recorder: MailRecorder) -> Result<Mailer, String> {
        Ok(Mailer {
            from: parse_sender(from)?,
            transport: Transport::Recording(recorder),
        })
    }

    pub fn recorder(&self) -> Option<MailRecorder> {
        match &self.transport {
            Transport::Recording(recorder) => Some(recorder.clone()),
            Transport::Smtp(_) => None,
        }
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), SendError> {
        let recipient: Mailbox = to
            .parse()
            .map_err(|_| SendError::Permanent("invalid recipient address".to_owned()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|_| SendError::Permanent("the message could not be built".to_owned()))?;
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(error) => {
                    // Only the reply code: the server's text often quotes the recipient.
                    let reason = match error.status() {
                        Some(code) => format!("the SMTP server answered {code}"),
                        None if error.is_timeout() => "the SMTP server timed out".to_owned(),
                        None => "the SMTP server could not be reached".to_owned(),
                    };
                    Err(if error.is_permanent() {
                        SendError::Permanent(reason)
                    } else {
                        SendError::Transient(reason)
                    })
                }
            },
            Transport::Recording(recorder) => {
                // The subject names the product or notice, never the recipient.
                tracing::info!(
                    subject,
                    "e-mail recorded, not sent (no MARKETPLACE_SMTP_URL)"
                );
                recorder.record(RecordedMail {
                    to: to.to_owned(),
                    subject: subject.to_owned(),
                    body: body.to_owned(),
                });
                Ok(())
            }
        }
    }
}

fn parse_sender(from: &str) -> Result<Mailbox, String> {
    from.parse()
        .map_err(|error| format!("invalid sender address {from:?}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_has_a_german_and_an_english_text() {
        let mail = Mail::QuestionAnswered {
            product: "Kaffeemühle".into(),
            vendor: "Rösterei".into(),
            question: "Mahlt sie fein?".into(),
            answer: "Ja.".into(),
        };
        let (subject_de, body_de) = mail.render(Language::De);
        let (subject_en, body_en) = mail.render(Language::En);
        assert_eq!(
            subject_de,
            "Rösterei hat Ihre Frage zu „Kaffeemühle“ beantwortet"
        );
        assert_eq!(
            subject_en,
            "Rösterei answered your question about “Kaffeemühle”"
        );
        assert!(body_de.contains("Antwort von Rösterei:\nJa."));
        assert!(body_en.contains("Answer from Rösterei:\nJa."));
    }

    #[test]
    fn decisions_name_the_action_and_carry_the_reasons() {
        let mail = Mail::ContentRestricted {
            target: NoticeTarget::Answer,
            content: "Text".into(),
            action: NoticeAction::Hide,
            statement: "Falsche Sicherheitsangabe.".into(),
        };
        let (subject, body) = mail.render(Language::De);
        assert_eq!(
            subject,
            "Ihre Inhalte: der Inhalt ist nicht mehr öffentlich sichtbar"
        );
        assert!(body.contains("eine Antwort"));
        assert!(body.contains("Falsche Sicherheitsangabe."));
        let (_, body) = mail.render(Language::En);
        assert!(body.contains("an answer"));
    }

    #[tokio::test]
    async fn the_recording_transport_keeps_what_was_sent() {
        let recorder = MailRecorder::default();
        let mailer = Mailer::recording("Marktplatz <noreply@example.de>", recorder.clone())
            .expect("valid sender");
        mailer
            .send("anna@example.de", "Betreff", "Text")
            .await
            .expect("recorded");
        assert_eq!(recorder.to("ANNA@example.de").len(), 1);
        assert!(matches!(
            mailer.send("not an address", "s", "b").await,
            Err(SendError::Permanent(_))
        ));
    }
}
