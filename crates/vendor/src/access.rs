//! Who may do what in a vendor: the one decision every vendor route (and later the catalog,
//! order and support routes) goes through.

use kernel::auth::{AccountPrincipal, ApiKeyPrincipal, ApiScope, Principal, VendorRole};
use kernel::id::{ApiKeyId, VendorId};

use crate::error::VendorError;
use crate::model::VendorStatus;

/// Something a caller wants to do in a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the vendor's application, status and history.
    ViewVendor,
    /// Edit display and trader data, payout account; resubmit; close.
    ManageVendor,
    ViewMembers,
    ManageMembers,
    ViewApiKeys,
    ManageApiKeys,
    ReadLocations,
    WriteLocations,
    ReadCatalog,
    WriteCatalog,
    WriteStock,
    ReadOrders,
    WriteOrders,
    ReadQuestions,
    WriteQuestions,
}

impl Permission {
    /// The least role a member needs.
    pub fn min_role(self) -> VendorRole {
        use Permission::*;
        match self {
            ManageVendor | ViewMembers | ManageMembers | ViewApiKeys | ManageApiKeys => {
                VendorRole::Owner
            }
            ReadLocations | WriteLocations | ReadCatalog | WriteCatalog | WriteStock => {
                VendorRole::Manager
            }
            ViewVendor | ReadOrders | WriteOrders | ReadQuestions | WriteQuestions => {
                VendorRole::Staff
            }
        }
    }

    /// The scope an API key needs; `None` when keys may not do it at all.
    pub fn scope(self) -> Option<ApiScope> {
        use Permission::*;
        match self {
            ViewVendor | ManageVendor | ViewMembers | ManageMembers | ViewApiKeys
            | ManageApiKeys => None,
            ReadLocations => Some(ApiScope::LocationsRead),
            WriteLocations => Some(ApiScope::LocationsWrite),
            ReadCatalog => Some(ApiScope::CatalogRead),
            WriteCatalog => Some(ApiScope::CatalogWrite),
            WriteStock => Some(ApiScope::StockWrite),
            ReadOrders => Some(ApiScope::OrdersRead),
            WriteOrders => Some(ApiScope::OrdersWrite),
            ReadQuestions => Some(ApiScope::QuestionsRead),
            WriteQuestions => Some(ApiScope::QuestionsWrite),
        }
    }

    /// Whether it changes anything (refused for a closed vendor, and for the keys of a
    /// suspended one).
    pub fn is_write(self) -> bool {
        use Permission::*;
        !matches!(
            self,
            ViewVendor
                | ViewMembers
                | ViewApiKeys
                | ReadLocations
                | ReadCatalog
                | ReadOrders
                | ReadQuestions
        )
    }
}

/// Who acts in a vendor, once admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Member {
        account: AccountPrincipal,
        role: VendorRole,
    },
    ApiKey(ApiKeyId),
}

/// An admitted caller in one vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorAccess {
    pub vendor_id: VendorId,
    pub status: VendorStatus,
    pub actor: Actor,
}

impl VendorAccess {
    pub fn is_owner(&self) -> bool {
        matches!(
            self.actor,
            Actor::Member {
                role: VendorRole::Owner,
                ..
            }
        )
    }
}

/// Decides whether `principal` may do `permission` in the vendor `vendor_id`, whose status
/// is `status` (`None` when no such vendor exists). Outsiders get 404, as if the vendor did
/// not exist; insiders lacking the role or scope get 403.
pub fn decide(
    principal: &Principal,
    vendor_id: VendorId,
    status: Option<VendorStatus>,
    permission: Permission,
) -> Result<VendorAccess, VendorError> {
    let status = status.ok_or(VendorError::NotFound)?;
    let actor = match principal {
        Principal::Account {
            account,
            memberships,
        } => {
            let membership = memberships
                .iter()
                .find(|membership| membership.vendor_id == vendor_id)
                .ok_or(VendorError::NotFound)?;
            if membership.role < permission.min_role() {
                return Err(VendorError::InsufficientRole(permission.min_role()));
            }
            Actor::Member {
                account: *account,
                role: membership.role,
            }
        }
        Principal::ApiKey(ApiKeyPrincipal {
            key_id,
            vendor_id: key_vendor,
            scopes,
        }) => {
            if *key_vendor != vendor_id {
                return Err(VendorError::NotFound);
            }
            match permission.scope() {
                Some(scope) if scopes.contains(&scope) => {}
                Some(scope) => return Err(VendorError::InsufficientScope(Some(scope))),
                None => return Err(VendorError::InsufficientScope(None)),
            }
            if status == VendorStatus::Suspended && permission.is_write() {
                return Err(VendorError::Suspended);
            }
            Actor::ApiKey(*key_id)
        }
    };
    if status == VendorStatus::Closed && permission.is_write() {
        return Err(VendorError::Closed);
    }
    Ok(VendorAccess {
        vendor_id,
        status,
        actor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::auth::{Role, VendorMembership};
    use kernel::id::AccountId;

    fn member(vendor_id: VendorId, role: VendorRole) -> Principal {
        Principal::Account {
            account: AccountPrincipal {
                id: AccountId::new(),
                role: Role::Customer,
            },
            memberships: vec![VendorMembership { vendor_id, role }],
        }
    }

    fn key(vendor_id: VendorId, scopes: &[ApiScope]) -> Principal {
        Principal::ApiKey(ApiKeyPrincipal {
            key_id: ApiKeyId::new(),
            vendor_id,
            scopes: scopes.to_vec(),
        })
    }

    fn code(result: Result<VendorAccess, VendorError>) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(VendorError::NotFound) => "not_found",
            Err(VendorError::InsufficientRole(_)) => "insufficient_role",
            Err(VendorError::InsufficientScope(_)) => "insufficient_scope",
            Err(VendorError::Suspended) => "vendor_suspended",
            Err(VendorError::Closed) => "vendor_closed",
            Err(_) => "other",
        }
    }

    #[test]
    fn roles_are_ordered_by_power() {
        let vendor = VendorId::new();
        let approved = Some(VendorStatus::Approved);
        let decide =
            |role, permission| code(decide(&member(vendor, role), vendor, approved, permission));
        assert_eq!(decide(VendorRole::Staff, Permission::WriteOrders), "ok");
        assert_eq!(
            decide(VendorRole::Staff, Permission::WriteCatalog),
            "insufficient_role"
        );
        assert_eq!(
            decide(VendorRole::Manager, Permission::WriteLocations),
            "ok"
        );
        assert_eq!(
            decide(VendorRole::Manager, Permission::ManageApiKeys),
            "insufficient_role"
        );
        assert_eq!(decide(VendorRole::Owner, Permission::ManageMembers), "ok");
    }

    #[test]
    fn outsiders_see_nothing() {
        let (mine, theirs) = (VendorId::new(), VendorId::new());
        let owner = member(mine, VendorRole::Owner);
        let approved = Some(VendorStatus::Approved);
        assert_eq!(
            code(decide(&owner, theirs, approved, Permission::ViewVendor)),
            "not_found"
        );
        assert_eq!(
            code(decide(&owner, mine, None, Permission::ViewVendor)),
            "not_found"
        );
        let key = key(mine, &ApiScope::ALL);
        assert_eq!(
            code(decide(&key, theirs, approved, Permission::ReadCatalog)),
            "not_found"
        );
    }

    #[test]
    fn keys_have_exactly_their_scopes_and_only_read_when_suspended() {
        let vendor = VendorId::new();
        let key = key(vendor, &[ApiScope::CatalogRead, ApiScope::StockWrite]);
        let at = |status, permission| code(decide(&key, vendor, Some(status), permission));
        assert_eq!(at(VendorStatus::Approved, Permission::ReadCatalog), "ok");
        assert_eq!(at(VendorStatus::Approved, Permission::WriteStock), "ok");
        assert_eq!(
            at(VendorStatus::Approved, Permission::WriteCatalog),
            "insufficient_scope"
        );
        assert_eq!(
            at(VendorStatus::Approved, Permission::ManageApiKeys),
            "insufficient_scope"
        );
        assert_eq!(at(VendorStatus::Suspended, Permission::ReadCatalog), "ok");
        assert_eq!(
            at(VendorStatus::Suspended, Permission::WriteStock),
            "vendor_suspended"
        );
    }

    #[test]
    fn a_closed_vendor_is_read_only() {
        let vendor = VendorId::new();
        let owner = member(vendor, VendorRole::Owner);
        let closed = Some(VendorStatus::Closed);
        assert_eq!(
            code(decide(&owner, vendor, closed, Permission::ViewVendor)),
            "ok"
        );
        assert_eq!(
            code(decide(&owner, vendor, closed, Permission::WriteLocations)),
            "vendor_closed"
        );
    }
}
