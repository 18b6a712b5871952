//! Collects every invalid field of a request so a client learns all of them at once.

use crate::problem::{FieldError, Problem};

#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Keeps the value of a successful parse; records the message of a failed one.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parsed values, once every field was valid. `values` is `None` exactly when a
    /// check failed, so the fallback is never taken in practice.
    pub fn finish_with<T>(self, values: Option<T>) -> Result<T, Problem> {
        self.finish()?;
        values.ok_or_else(|| {
            tracing::error!("a field check failed without recording an error");
            Problem::internal()
        })
    }

    /// `Ok(())` when nothing was recorded, else a 422 problem naming every field.
    pub fn finish(self) -> Result<(), Problem> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Problem::validation(self.0))
        }
    }
}

/// Free text of a required field: trimmed, 1..=max characters, no control characters
/// except line breaks when `multiline`.
pub fn text(input: &str, max_chars: usize, multiline: bool) -> Result<String, String> {
    let trimmed = input.trim();
    let length = trimmed.chars().count();
    if !(1..=max_chars).contains(&length) {
        return Err(format!("must be between 1 and {max_chars} characters long"));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err("must not contain control characters".to_owned());
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_all_failures() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.check("a", Ok::<_, String>(1)), Some(1));
        assert_eq!(errors.check::<i32>("b", Err("bad".into())), None);
        errors.add("c", "worse");
        let problem = errors.finish().unwrap_err();
        assert_eq!(problem.status, 422);
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["b", "c"]);
        assert!(FieldErrors::new().finish().is_ok());
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("  Anna  ", 10, false).unwrap(), "Anna");
        assert!(text("   ", 10, false).is_err());
        assert!(text("a\nb", 10, false).is_err());
        assert_eq!(text("a\nb", 10, true).unwrap(), "a\nb");
    }
}
